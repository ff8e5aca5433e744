package ship

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// workflow is what the tests read of a GitHub workflow.
type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Needs       any               `yaml:"needs"`
		RunsOn      string            `yaml:"runs-on"`
		Permissions map[string]string `yaml:"permissions"`
		Strategy    struct {
			Matrix struct {
				Include []map[string]string `yaml:"include"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

type step struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
	With map[string]any    `yaml:"with"`
}

func yamlUnmarshal(b []byte, v any) error { return yaml.Unmarshal(b, v) }

func readWorkflow(t *testing.T, rel string) workflow {
	t.Helper()
	var w workflow
	require.NoError(t, yaml.Unmarshal(readFile(t, rel), &w), rel)
	return w
}

// needs returns the jobs a job needs.
func (w workflow) needs(t *testing.T, job string) []string {
	t.Helper()
	j, ok := w.Jobs[job]
	require.True(t, ok, "no job %s", job)
	switch n := j.Needs.(type) {
	case string:
		return []string{n}
	case []any:
		var out []string
		for _, v := range n {
			out = append(out, v.(string))
		}
		return out
	}
	return nil
}

// stepIndex returns the index of the first step of job that uses action
// (its name before @) or whose run script contains text.
func (w workflow) stepIndex(t *testing.T, job, usesOrRun string) int {
	t.Helper()
	for i, s := range w.Jobs[job].Steps {
		if (s.Uses != "" && strings.Split(s.Uses, "@")[0] == usesOrRun) || (s.Run != "" && strings.Contains(s.Run, usesOrRun)) {
			return i
		}
	}
	t.Fatalf("job %s has no step that uses or runs %q", job, usesOrRun)
	return -1
}

// TestReleaseWorkflow checks the order the release on GitHub depends on:
// nothing is pushed before both platforms' images passed the smoke test on
// their own platform, the pushed image is attested and signed, and
// action.yml is pinned to the pushed digest before the tags move.
func TestReleaseWorkflow(t *testing.T) {
	const file = ".github/workflows/release.yml"
	w := readWorkflow(t, file)
	push, _ := w.On["push"].(map[string]any)
	require.Equal(t, []any{"v[0-9]+.[0-9]+.[0-9]+"}, push["tags"], "release tags only")
	require.Len(t, w.On, 1, "a release runs for a pushed release tag only")

	check := w.Jobs["check"].Steps[w.stepIndex(t, "check", "go run ./cmd/release env")]
	for _, want := range []string{"--component templates/tierdeploy.yml", "--action action.yml", `"$TAG"`} {
		require.Contains(t, check.Run, want)
	}
	require.Equal(t, "${{ github.ref_name }}", check.Env["TAG"])

	build := w.Jobs["build"].Steps[w.stepIndex(t, "build", "docker/build-push-action")]
	require.Equal(t, "linux/amd64,linux/arm64", build.With["platforms"], "one build, both platforms")
	require.Contains(t, build.With["outputs"], "type=oci,dest=", "the build is kept, not pushed")
	require.NotContains(t, build.With, "push")

	require.Equal(t, []string{"build"}, w.needs(t, "smoke"))
	var runners []string
	for _, m := range w.Jobs["smoke"].Strategy.Matrix.Include {
		runners = append(runners, m["arch"]+" on "+m["runner"])
	}
	require.ElementsMatch(t, []string{"amd64 on ubuntu-24.04", "arm64 on ubuntu-24.04-arm"}, runners, "each platform is tested on its own")
	w.stepIndex(t, "smoke", "scripts/smoke-image.sh")

	require.ElementsMatch(t, []string{"check", "smoke"}, w.needs(t, "publish"), "pushed after the smoke tests")
	publish := w.Jobs["publish"]
	for perm, want := range map[string]string{"packages": "write", "id-token": "write", "attestations": "write"} {
		require.Equal(t, want, publish.Permissions[perm], "publish needs %s: %s", perm, want)
	}
	order := []int{
		w.stepIndex(t, "publish", "skopeo copy --all --preserve-digests"),
		w.stepIndex(t, "publish", "anchore/sbom-action"),
		w.stepIndex(t, "publish", "actions/attest-build-provenance"),
		w.stepIndex(t, "publish", "actions/attest-sbom"),
		w.stepIndex(t, "publish", "cosign sign --yes"),
	}
	require.True(t, slices.IsSorted(order), "push, SBOM, attestations, then the signature: %v", order)
	for _, s := range []string{"actions/attest-build-provenance", "actions/attest-sbom"} {
		with := publish.Steps[w.stepIndex(t, "publish", s)].With
		require.Equal(t, "${{ steps.push.outputs.digest }}", with["subject-digest"], s)
		require.Equal(t, true, with["push-to-registry"], s)
	}

	require.ElementsMatch(t, []string{"check", "publish"}, w.needs(t, "release"))
	require.Equal(t, "write", w.Jobs["release"].Permissions["contents"])
	pin := w.stepIndex(t, "release", "go run ./cmd/release pin-action")
	commit := w.stepIndex(t, "release", "git push --atomic --force origin")
	require.Less(t, pin, commit, "action.yml is pinned before it is committed at the tag")
	require.Equal(t, "${{ needs.publish.outputs.digest }}", w.Jobs["release"].Steps[pin].Env["DIGEST"], "pinned to the pushed digest")
	require.Contains(t, w.Jobs["release"].Steps[commit].Run, `[ "$alias" = latest ] && continue`, "git has no latest tag")
	require.Less(t, commit, w.stepIndex(t, "release", "gh release create"), "the release is made once its tag is final")
}

// TestCIWorkflow: the default branch's action builds the Dockerfile and the
// image is built for both platforms and smoke-tested on every change.
func TestCIWorkflow(t *testing.T) {
	w := readWorkflow(t, ".github/workflows/ci.yml")
	require.Contains(t, w.Jobs["test"].Steps[w.stepIndex(t, "test", ".ci/run")].Run, ".ci/run")
	build := w.Jobs["image"].Steps[w.stepIndex(t, "image", "docker/build-push-action")]
	require.Equal(t, "linux/amd64,linux/arm64", build.With["platforms"])
	w.stepIndex(t, "image", "scripts/smoke-image.sh")
	action := w.Jobs["action"].Steps[w.stepIndex(t, "action", "./")]
	require.Equal(t, "examples/two-tier", action.With["working-directory"])
	require.Equal(t, "Dockerfile", readAction(t).Runs.Image, "the default branch's action builds the Dockerfile")
}

// TestSmokeTestChecksTheImage: the smoke test that every image build runs
// before a push checks the binaries, the default user and both ways of
// running the image.
func TestSmokeTestChecksTheImage(t *testing.T) {
	script := string(readFile(t, "scripts/smoke-image.sh"))
	for _, want := range []string{
		`"$image" --version`, `--entrypoint tofu "$image" version`, `--entrypoint git "$image" --version`,
		`[ "$uid" = 0 ]`, "--user 1001:1001", "chown -R 4242:4242", "GITHUB_OUTPUT=/v/cmd/output", "GITLAB_CI=true", "umask 000",
	} {
		require.Contains(t, script, want)
	}
}

// gitlabCI is .gitlab-ci.yml, decoded.
type gitlabCI struct {
	Workflow struct {
		Rules []map[string]any `yaml:"rules"`
	}
	Jobs map[string]map[string]any
}

func readGitLabCI(t *testing.T) gitlabCI {
	t.Helper()
	var raw map[string]any
	require.NoError(t, yaml.NewDecoder(bytes.NewReader(readFile(t, ".gitlab-ci.yml"))).Decode(&raw))
	c := gitlabCI{Jobs: map[string]map[string]any{}}
	for k, v := range raw {
		if m, ok := v.(map[string]any); ok {
			if _, isJob := m["script"]; isJob {
				c.Jobs[k] = m
			}
		}
	}
	wf, _ := raw["workflow"].(map[string]any)
	rules, _ := wf["rules"].([]any)
	for _, r := range rules {
		c.Workflow.Rules = append(c.Workflow.Rules, r.(map[string]any))
	}
	return c
}

// gitlabRegexp returns the regular expression of a rule's
// "$VAR =~ /RE/" (GitLab's are RE2, as Go's).
func gitlabRegexp(t *testing.T, rule string) *regexp.Regexp {
	t.Helper()
	_, re, ok := strings.Cut(rule, "=~ /")
	require.True(t, ok, "no =~ /.../ in %q", rule)
	re, ok = strings.CutSuffix(strings.TrimSpace(re), "/")
	require.True(t, ok, "no closing / in %q", rule)
	return regexp.MustCompile(re)
}

// script returns a job's script lines, joined.
func (c gitlabCI) script(t *testing.T, job string) string {
	t.Helper()
	j, ok := c.Jobs[job]
	require.True(t, ok, ".gitlab-ci.yml has no job %s", job)
	var lines []string
	for _, l := range j["script"].([]any) {
		lines = append(lines, l.(string))
	}
	return strings.Join(lines, "\n")
}

func (c gitlabCI) needs(t *testing.T, job string) []string {
	t.Helper()
	var out []string
	for _, n := range c.Jobs[job]["needs"].([]any) {
		out = append(out, n.(string))
	}
	return out
}

// TestGitLabPipelineRelease: a release tag builds and smoke-tests the image
// before the first push, tags it only after the tests, and publishes the
// component as the version without the v.
func TestGitLabPipelineRelease(t *testing.T) {
	c := readGitLabCI(t)

	build := c.script(t, "build-image")
	smoke := strings.Index(build, "scripts/smoke-image.sh")
	require.NotEqual(t, -1, smoke, "the image is smoke-tested")
	for _, later := range []string{"docker login", "--push"} {
		require.Greater(t, strings.Index(build, later), smoke, "%s comes after the smoke test", later)
	}
	require.Contains(t, build, "--platform linux/amd64,linux/arm64 --push")

	require.Contains(t, c.script(t, "release-version"), "go run ./cmd/release env --component templates/tierdeploy.yml")
	require.ElementsMatch(t, []string{"test", "release-version", "build-image"}, c.needs(t, "publish-image"))
	require.Contains(t, c.script(t, "publish-image"), `for tag in "$RELEASE_VERSION" $RELEASE_ALIASES`)

	release := c.Jobs["release"]
	require.ElementsMatch(t, []string{"release-version", "publish-image"}, c.needs(t, "release"))
	rel, _ := release["release"].(map[string]any)
	require.Equal(t, "$RELEASE_VERSION", rel["tag_name"], "the catalog takes 1.2.3, not v1.2.3")
	require.Equal(t, "$CI_COMMIT_SHA", rel["ref"])
	for _, job := range []string{"release-version", "publish-image", "release"} {
		rules, _ := c.Jobs[job]["rules"].([]any)
		require.Equal(t, []any{map[string]any{"if": "$CI_COMMIT_TAG"}}, rules, "%s runs in tag pipelines only", job)
	}
}

// TestGitLabPipelineTags: the workflow runs a pipeline for release tags only;
// the 1.2.3 tag the release job creates runs none (gitlab-ci-local, which
// scripts/check-ci.sh runs, applies no workflow:rules).
func TestGitLabPipelineTags(t *testing.T) {
	var tagRule string
	for _, r := range readGitLabCI(t).Workflow.Rules {
		if s, _ := r["if"].(string); strings.Contains(s, "$CI_COMMIT_TAG") {
			require.Empty(t, tagRule, "one rule for tags")
			tagRule = s
		}
	}
	re := gitlabRegexp(t, tagRule)
	for tag, want := range map[string]bool{
		"v1.2.3": true, "v0.1.0": true, "v10.20.30": true,
		"1.2.3": false, "v1.2": false, "v1": false, "v1.2.3-rc.1": false, "v01.2.3": false, "nightly": false, "v1.2.3.4": false,
	} {
		require.Equal(t, want, re.MatchString(tag), "a pipeline for the tag %s", tag)
	}
}
