package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/runner/runnertest"
)

// e2eSecret is the infrastructure's sensitive output that the project tier
// uses in Terraform and in a ConfigMap: quotes, a backslash and more than
// 80 columns, so that every quoting and folding is tried. secretMarker is in
// every form of it but base64.
const (
	e2eSecret    = `Zebra7Quartz it's a "quoted" \ back-slashed password, longer than eighty columns so YAML folds it: end`
	secretMarker = "Zebra7Quartz"
)

// lockedBuffer is a buffer for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runCI runs tierdeploy as a CI job does and returns the exit code and the
// job log: standard output, where the runner's own commands go too, and
// standard error.
func runCI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs lockedBuffer
	d := deps(args)
	d.Stdout, d.Stderr = &out, &errs
	d.NewRunner = func(ev event.Event) app.CIRunner {
		switch ev.Platform {
		case event.GitHub:
			return runner.NewGitHub(runner.GitHubOptions{Stdout: &out, Getenv: os.Getenv})
		case event.GitLab:
			dir := os.Getenv("CI_PROJECT_DIR")
			return runner.NewGitLab(runner.GitLabOptions{Stdout: &out, Collapsed: true,
				DotenvPath: filepath.Join(dir, gitlabDotenv), TerraformDir: filepath.Join(dir, gitlabTerraformDir)})
		}
		return runner.NewLocal(runner.LocalOptions{Stderr: &errs})
	}
	code = app.Main(t.Context(), d)
	t.Logf("tierdeploy %s: exit %d\n%s", strings.Join(args, " "), code, lastLines(errs.String(), 15))
	return code, out.String(), errs.String()
}

// leaked returns the forms of the secret in text, leaving out the lines
// that register it with the runner (::add-mask::), which the runner never
// shows.
func leaked(text string) []string {
	var found []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "::add-mask::") {
			continue
		}
		if strings.Contains(l, secretMarker) {
			found = append(found, l)
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding} {
			if strings.Contains(l, enc.EncodeToString([]byte(e2eSecret))[:16]) {
				found = append(found, "base64: "+l)
			}
		}
	}
	return found
}

// noLeak fails when the secret is in any of the texts, by name.
func noLeak(t *testing.T, texts map[string]string) {
	t.Helper()
	for name, text := range texts {
		assert.Empty(t, leaked(text), "the secret is in %s", name)
	}
}

// readAll returns the files under dir, by path, for the leak check.
func readAll(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if strings.Contains(p, string(filepath.Separator)+"inventory"+string(filepath.Separator)) {
				return nil // the file store: where the secret is kept, not shown
			}
			b, err := os.ReadFile(p)
			if err == nil {
				out[p] = string(b)
			}
			return nil
		})
	}
	return out
}

// ownCommand tells the run's own workflow commands from injected ones.
func ownCommand(c runnertest.Command) bool {
	return (c.Name == "group" || c.Name == "endgroup" || c.Name == "add-mask") && !strings.Contains(c.Data, "injected")
}

// secretRepo is the example with the database password as a sensitive
// inventory output (e2eSecret) that the project tier uses in a Terraform
// resource and output and in its ConfigMap, and plan text that holds
// workflow commands.
func secretRepo(t *testing.T) *gittest.Repo {
	t.Helper()
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	edit := func(path, old, new string) {
		t.Helper()
		p := filepath.Join(r.Dir, path)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Contains(t, string(b), old, path)
		require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
	}
	edit("tierdeploy.yaml", "    publishes_inventory: true\n", "    publishes_inventory: true\n    sensitive_outputs: [database_password]\n")
	edit("tierdeploy.yaml", "          storage.claimName: storage.claim\n", "          database.password: database_password\n")
	// Its own namespace: other tests deploy the example to the shared
	// control plane too.
	edit("tierdeploy.yaml", "        namespace: app\n", "        namespace: app-secrets\n        timeout: 2m\n")
	edit("infrastructure/environments/staging/main.tf", "  value     = module.platform.database_password\n",
		"  value     = "+strconv.Quote(e2eSecret)+"\n")
	edit("project/charts/app/templates/configmap.yaml", "  DATABASE_NAME:", "  DATABASE_PASSWORD: {{ .Values.database.password | quote }}\n  DATABASE_NAME:")
	r.Write(map[string]string{"project/terraform/client.tf": `# The database client's settings, from the inventory's password.
resource "terraform_data" "db_client" {
  input = {
    password = try(var.inventory.database_password, "")
    dsn      = "postgres://shop:${try(var.inventory.database_password, "")}@db.internal/shop"
    note     = "plain\n::error::injected from the plan\n##[add-mask]injected-mask\n::stop-commands::injected\n"
  }
}

output "dsn" {
  value = terraform_data.db_client.input.dsn
}
`})
	r.Commit("the project uses the database password")
	return r
}

// TestSensitiveInventoryValueIsInNoOutput plans a project tier that uses a
// sensitive inventory value in Terraform and in a Helm ConfigMap, on
// GitHub and on GitLab, and finds the value in no comment, summary, log
// line, report file, widget report or outputs file; with a cluster it also
// applies and checks drift (apply comment, drift issue).
func TestSensitiveInventoryValueIsInNoOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r := secretRepo(t)
	first := r.Git("rev-parse", "HEAD")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)

	// The infrastructure publishes the password as a sensitive output.
	env.push(strings.Repeat("0", 40), first)
	code, stdout, stderr := runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--tier", "infrastructure", "--all")
	require.Equal(t, 0, code, stderr)
	inv, err := os.ReadFile(filepath.Join(r.Dir, ".tierdeploy/inventory/staging.json"))
	require.NoError(t, err)
	require.Contains(t, string(inv), secretMarker, "the inventory holds the password")
	noLeak(t, map[string]string{"apply stdout": stdout, "apply stderr": stderr})

	// A pull request changes the project: its Terraform and its ConfigMap
	// get the password.
	r.Git("checkout", "-q", "-b", "review")
	setReplicas(t, r, "2")
	r.Write(map[string]string{"project/values/staging.yaml": "replicaCount: 2\n"})
	head := r.Commit("two replicas")
	env.pullRequest(first, head)
	code, stdout, stderr = runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code, stderr)
	comments := gh.comments(7)
	require.Len(t, comments, 1)
	body := comments[0].Body
	require.Contains(t, body, "terraform_data.db_client", "the project's Terraform was planned")
	require.Contains(t, body, "DATABASE_PASSWORD", "the ConfigMap was diffed")
	require.Contains(t, body, "***", "the password is shown masked")
	require.Contains(t, stdout, "::add-mask::"+secretMarker, "the runner masks it too")
	texts := map[string]string{"comment": body, "stdout": stdout, "stderr": stderr}
	for p, text := range readAll(t, env.tmp, filepath.Join(r.Dir, ".tierdeploy")) {
		texts[p] = text // summary, outputs file, report file
	}
	require.Contains(t, texts, filepath.Join(env.tmp, "summary"))
	require.Contains(t, texts, filepath.Join(env.tmp, "output"))
	require.Contains(t, texts, filepath.Join(r.Dir, ".tierdeploy", "report.md"))
	noLeak(t, texts)
	assert.Empty(t, runnertest.Foreign(stdout, ownCommand), "stdout")
	assert.Empty(t, runnertest.Foreign(stderr, ownCommand), "stderr")
	assert.Contains(t, stdout+stderr, "injected from the plan", "the plan text is shown, fenced")

	// The same merge request on GitLab: note, dotenv and widget reports.
	t.Run("GitLab", func(t *testing.T) {
		clearCI(t)
		for _, k := range []string{"GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"} {
			t.Setenv(k, "")
		}
		gl := newFakeGitLab(t)
		for k, v := range map[string]string{
			"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
			"CI_MERGE_REQUEST_DIFF_BASE_SHA": first, "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": strings.Repeat("0", 40),
			"CI_PROJECT_ID": "42", "CI_PROJECT_PATH": "acme/infra", "CI_MERGE_REQUEST_PROJECT_ID": "42",
			"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "42", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
			"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "review", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": head,
			"CI_API_V4_URL": gl.srv.URL + "/api/v4", "CI_SERVER_URL": gl.srv.URL, "CI_JOB_URL": gl.srv.URL + "/-/jobs/1",
			"CI_DEFAULT_BRANCH": "main", "CI_PROJECT_DIR": r.Dir, "GITLAB_TOKEN": "test-token",
		} {
			t.Setenv(k, v)
		}
		require.NoError(t, os.RemoveAll(filepath.Join(r.Dir, ".tierdeploy", "terraform")))
		code, stdout, stderr := runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
		require.Equal(t, 0, code, stderr)
		notes := gl.snapshot()
		require.Len(t, notes, 1)
		require.Contains(t, notes[0].Body, "DATABASE_PASSWORD")
		texts := map[string]string{"note": notes[0].Body, "stdout": stdout, "stderr": stderr}
		for p, text := range readAll(t, filepath.Join(r.Dir, ".tierdeploy")) {
			texts[p] = text
		}
		require.Contains(t, texts, filepath.Join(r.Dir, gitlabDotenv))
		require.Contains(t, texts, filepath.Join(r.Dir, gitlabTerraformDir, "project.staging.json"))
		noLeak(t, texts)
	})

	// With a cluster: apply (the apply comment) and a drift check of a
	// value edited live (the drift issue).
	t.Run("apply and drift", func(t *testing.T) {
		kc := controlPlane.Get(t)
		clearCI(t)
		env := newGitHubEnv(t, gh, r)
		t.Setenv("KUBECONFIG", kc.Kubeconfig())
		r.Git("checkout", "-q", "main")
		r.Git("merge", "-q", "--ff-only", "review")
		gh.mergedAs(7, head)
		env.push(first, head)
		code, stdout, stderr := runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
		require.Equal(t, 0, code, stderr)
		cs, err := kubernetes.NewForConfig(kc.RESTConfig())
		require.NoError(t, err)
		cm, err := cs.CoreV1().ConfigMaps("app-secrets").Get(t.Context(), "app", metav1.GetOptions{})
		require.NoError(t, err)
		require.Equal(t, e2eSecret, cm.Data["DATABASE_PASSWORD"], "the release got the password")
		comments := gh.comments(7)
		require.Len(t, comments, 2)
		texts := map[string]string{"apply comment": comments[1].Body, "apply stdout": stdout, "apply stderr": stderr}

		// A value edited live, holding workflow commands.
		cm.Data["DATABASE_NAME"] = "edited\n::error::injected from the cluster\n##[add-mask]injected-live"
		_, err = cs.CoreV1().ConfigMaps("app-secrets").Update(t.Context(), cm, metav1.UpdateOptions{})
		require.NoError(t, err)
		env.schedule(head)
		code, stdout, stderr = runCI(t, "drift", "--chdir", r.Dir, "--environment", "staging")
		require.Equal(t, app.ExitChanges, code, stderr)
		issues := gh.openIssues()
		require.NotEmpty(t, issues)
		for _, is := range issues {
			texts["issue "+is.Title] = is.Body
		}
		texts["drift stdout"], texts["drift stderr"] = stdout, stderr
		for p, text := range readAll(t, env.tmp, filepath.Join(r.Dir, ".tierdeploy")) {
			texts[p] = text
		}
		noLeak(t, texts)
		assert.Empty(t, runnertest.Foreign(stdout, ownCommand), "drift stdout")
		assert.Empty(t, runnertest.Foreign(stderr, ownCommand), "drift stderr")
	})
}
