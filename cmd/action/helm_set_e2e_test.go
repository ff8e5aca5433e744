package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/runner/runnertest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// setSecret is the job's secret variable that a set value reads: quotes,
// a slash and a workflow command. setMarker is in every form of it.
const (
	setSecret = `Kiwi4Marker-s3cr3t/"quoted" ::warning::value`
	setMarker = "Kiwi4Marker"
)

// setConfig is a project tier of one release whose set values take the
// image tag from the commit and a greeting from a secret variable of the
// job. options are more release options.
func setConfig(ns, options string) string {
	return `version: 1
inventory:
  store: file
environments:
  - name: staging
tiers:
  - name: project
    paths: ["charts/**"]
    helm:
      - release: web
        namespace: ` + ns + `
        chart: charts/web
        timeout: 2m
` + options + `        set:
          image.tag: "{commit}"
          greeting: "hello {env.WEB_API_TOKEN}"
          hook: false
        env:
          - name: WEB_API_TOKEN
            secret: true
`
}

// setLeaks returns the lines of text that hold the secret, leaving out the
// lines that register it with the runner (::add-mask::).
func setLeaks(text string) []string {
	var found []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(l, "::add-mask::") && strings.Contains(l, setMarker) {
			found = append(found, l)
		}
	}
	return found
}

// TestHelmSetThroughTheCommandLine follows a release whose set values
// read the commit and a secret variable of the job, on GitHub: the pull
// request's plan shows the head commit as the image tag and the secret
// masked; apply deploys the merge commit's image and the secret; drift,
// at the same commit, finds nothing. The secret is registered with the
// runner before anything is logged, and is in no comment, summary, log,
// output or report file. A variable the job does not set is bad input,
// and validate refuses atomic without wait.
func TestHelmSetThroughTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a control plane")
	}
	kc := controlPlane.Get(t)
	clearCI(t)
	ns := kc.Namespace(t)
	r := gittest.New(t)
	copyTree(t, filepath.Join(testtools.Root(t), "internal", "helm", "testdata", "charts", "web"), filepath.Join(r.Dir, "charts", "web"))
	r.Write(map[string]string{"tierdeploy.yaml": setConfig(ns, "")})
	first := r.Commit("the web release")
	r.Git("checkout", "-q", "-b", "change")
	values := filepath.Join(r.Dir, "charts", "web", "values.yaml")
	b, err := os.ReadFile(values)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(values, []byte(strings.Replace(string(b), "replicaCount: 1", "replicaCount: 2", 1)), 0o644))
	head := r.Commit("two replicas")

	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)
	t.Setenv("KUBECONFIG", kc.Kubeconfig())
	t.Setenv("WEB_API_TOKEN", setSecret)
	texts := map[string]string{}
	collect := func(step, stdout, stderr string) {
		texts[step+" stdout"], texts[step+" stderr"] = stdout, stderr
		for p, text := range readAll(t, env.tmp, filepath.Join(r.Dir, ".tierdeploy")) {
			texts[step+" "+p] = text // summary, outputs, report file
		}
		// The runner masks the secret before any line is logged.
		mask := strings.Index(stdout, "::add-mask::"+setMarker)
		require.GreaterOrEqual(t, mask, 0, "%s: the secret is registered with the runner", step)
		assert.NotContains(t, stdout[:mask], "::group::", step)
		assert.Empty(t, runnertest.Foreign(stdout, ownCommand), "%s stdout", step)
		assert.Empty(t, runnertest.Foreign(stderr, ownCommand), "%s stderr", step)
	}

	// The pull request's plan: the head commit is the image tag.
	env.pullRequest(first, head)
	code, stdout, stderr := runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code, stderr)
	collect("plan", stdout, stderr)
	comments := gh.comments(7)
	require.Len(t, comments, 1)
	body := comments[0].Body
	texts["plan comment"] = body
	assert.Contains(t, body, "image: registry.example/web:"+head)
	assert.Contains(t, body, "set image.tag = "+head+" (from {commit})")
	// The value holds the secret: it is masked whole; the report shows
	// the entry as written (markdown-escaped).
	const written = `set greeting from hello {env.WEB\_API\_TOKEN} (secret, masked)`
	assert.Contains(t, body, written)
	assert.Contains(t, body, "GREETING: '***'")
	assert.Contains(t, texts["plan "+filepath.Join(env.tmp, "summary")], written)
	assert.Contains(t, texts["plan "+filepath.Join(r.Dir, ".tierdeploy", "report.md")], "GREETING: '***'")

	// Merged with a merge commit: apply deploys that commit's image.
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--no-ff", "-m", "Merge pull request #7", "change")
	merge := r.Git("rev-parse", "HEAD")
	require.NotEqual(t, head, merge)
	gh.mergedAs(7, merge)
	env.push(first, merge)
	code, stdout, stderr = runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code, stderr)
	collect("apply", stdout, stderr)
	comments = gh.comments(7)
	require.Len(t, comments, 2)
	texts["apply comment"] = comments[1].Body
	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	dep, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "registry.example/web:"+merge, dep.Spec.Template.Spec.Containers[0].Image)
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "hello "+setSecret, cm.Data["GREETING"], "the release got the secret")

	// Drift at the applied commit: nothing changed.
	env.schedule(merge)
	code, stdout, stderr = runCI(t, "drift", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code, stderr)
	collect("drift", stdout, stderr)

	for name, text := range texts {
		assert.Empty(t, setLeaks(text), "the secret is in %s", name)
	}

	t.Run("unset variable", func(t *testing.T) {
		clearCI(t)
		t.Setenv("WEB_API_TOKEN", "")
		require.NoError(t, os.Unsetenv("WEB_API_TOKEN"))
		for _, cmd := range []string{"plan", "apply", "drift"} {
			args := []string{cmd, "--platform", "local", "--chdir", r.Dir, "--environment", "staging"}
			if cmd != "drift" {
				args = append(args, "--all")
			}
			code, stdout, stderr := runCI(t, args...)
			assert.Equal(t, app.ExitInput, code, cmd)
			assert.Contains(t, stderr, "helm release web: set greeting: {env.WEB_API_TOKEN}: environment variable WEB_API_TOKEN is not set: set it in the job's environment", cmd)
			assert.Contains(t, stdout, `environment variable WEB\_API\_TOKEN is not set`, "%s: the report says it", cmd)
		}
		dep, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, "registry.example/web:"+merge, dep.Spec.Template.Spec.Containers[0].Image, "nothing was deployed")
	})

	t.Run("validate", func(t *testing.T) {
		bad := filepath.Join(r.Dir, "bad.yaml")
		require.NoError(t, os.WriteFile(bad, []byte(setConfig(ns, "        wait: false\n        atomic: true\n")), 0o644))
		code, _, stderr := runCI(t, "validate", "--chdir", r.Dir, "--config", "bad.yaml")
		assert.Equal(t, app.ExitInput, code)
		assert.Contains(t, stderr, "bad.yaml:15")
		assert.Contains(t, stderr, "tiers[0].helm[0].atomic: is true, but wait is false")
		require.NoError(t, os.WriteFile(bad, []byte(setConfig(ns, "        wait: false\n")), 0o644))
		code, _, stderr = runCI(t, "validate", "--chdir", r.Dir, "--config", "bad.yaml")
		assert.Equal(t, 0, code, stderr)
	})
}
