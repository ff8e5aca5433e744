package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// exampleRepo copies examples/two-tier into a git repository with the
// example on main and a change on a branch; it returns the repository and
// the base and head commits.
func exampleRepo(t *testing.T) (*gittest.Repo, string, string) {
	t.Helper()
	r := gittest.New(t)
	src := filepath.Join(testtools.Root(t), "examples", "two-tier")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if d.Name() == ".terraform" || d.Name() == ".tierdeploy" || d.Name() == ".generated" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(r.Dir, rel), 0o755)
		}
		if strings.HasSuffix(p, ".tfstate") || strings.HasSuffix(p, ".lock.hcl") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(r.Dir, rel), b, 0o644)
	})
	require.NoError(t, err)
	base := r.Commit("the example")
	r.Git("checkout", "-q", "-b", "change")
	head := changeNodes(t, r, "4")
	return r, base, head
}

// changeNodes sets the staging cluster's node count and commits.
func changeNodes(t *testing.T, r *gittest.Repo, n string) string {
	t.Helper()
	p := filepath.Join(r.Dir, "infrastructure/environments/staging/main.tf")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.Contains(l, "node_count") {
			lines[i] = "  node_count    = " + n
		}
	}
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644))
	return r.Commit("staging nodes " + n)
}

// offlineTofu puts the project's OpenTofu on PATH with the provider mirror.
func offlineTofu(t testing.TB) {
	tofu := testtools.Tofu(t)
	for _, kv := range testtools.TofuEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("PATH", filepath.Dir(tofu)+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// run runs tierdeploy with the real adapters and returns the exit code and
// standard output.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	d := deps(args)
	d.Stdout, d.Stderr = &stdout, &stderr
	code := app.Main(t.Context(), d)
	t.Logf("tierdeploy %s: exit %d\n%s", strings.Join(args, " "), code, lastLines(stderr.String(), 15))
	return code, stdout.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func clearCI(t testing.TB) {
	for _, k := range []string{"GITHUB_ACTIONS", "GITLAB_CI", "CI_MERGE_REQUEST_IID", "GITHUB_EVENT_PATH"} {
		t.Setenv(k, "")
	}
}

func TestPlanOnGitHubKeepsOneComment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, base, head := exampleRepo(t)
	gh := newFakeGitHub(t)
	gh.seed(250) // the report comment lands on page 3 of 100
	tmp := t.TempDir()
	event := filepath.Join(tmp, "event.json")
	writeEvent := func(head string) {
		payload := map[string]any{
			"action": "synchronize", "number": 7,
			"pull_request": map[string]any{
				"number": 7,
				"base":   map[string]any{"ref": "main", "sha": base, "repo": map[string]any{"id": 1, "full_name": "acme/infra"}},
				"head":   map[string]any{"ref": "change", "sha": head, "repo": map[string]any{"id": 1, "full_name": "acme/infra"}},
			},
			"repository": map[string]any{"id": 1, "full_name": "acme/infra", "default_branch": "main"},
		}
		b, _ := json.Marshal(payload)
		require.NoError(t, os.WriteFile(event, b, 0o644))
	}
	writeEvent(head)
	output := filepath.Join(tmp, "output")
	summary := filepath.Join(tmp, "summary")
	for k, v := range map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event,
		"GITHUB_REPOSITORY": "acme/infra", "GITHUB_API_URL": gh.srv.URL, "GITHUB_SERVER_URL": "https://github.example.invalid",
		"GITHUB_RUN_ID": "99", "GITHUB_SHA": head, "GITHUB_TOKEN": "test-token", "INPUT_GITHUB-TOKEN": "",
		"GITHUB_OUTPUT": output, "GITHUB_STEP_SUMMARY": summary, "RUNNER_TEMP": tmp,
	} {
		t.Setenv(k, v)
	}

	code, stdout := run(t, "plan", "--chdir", r.Dir, "--detailed-exitcode")
	require.Equal(t, app.ExitChanges, code)
	require.Contains(t, stdout, "infrastructure/staging")
	notes := gh.snapshot()
	require.Len(t, notes, 251)
	report := notes[250].Body
	require.True(t, strings.HasPrefix(report, "<!-- tierdeploy:report environment=staging -->"), report[:80])
	require.Contains(t, report, "node_count")
	require.NotContains(t, report, "environment=prod")
	require.Equal(t, 1, gh.count("POST"))
	require.Equal(t, 0, gh.count("PATCH"))
	out, err := os.ReadFile(output)
	require.NoError(t, err)
	require.Contains(t, string(out), "has-changes<<")
	require.Contains(t, string(out), `{"include":[{"tier":"infrastructure","environment":"staging"},{"tier":"project","environment":"staging"}]}`)
	sum, err := os.ReadFile(summary)
	require.NoError(t, err)
	require.Contains(t, string(sum), "infrastructure/staging")
	full, err := os.ReadFile(filepath.Join(tmp, "tierdeploy", "report.md"))
	require.NoError(t, err)
	require.Contains(t, string(full), report[strings.Index(report, "\n")+1:strings.Index(report, "\n")+60])

	// The same plan again: only the reads that find the comments: three
	// pages for staging's, and three for prod's, which would be updated to
	// say prod is no longer affected had an earlier push affected it; and
	// once who the token is, to tell tierdeploy's comment from others'
	// (GET /user, refused to a workflow token, then GraphQL's viewer).
	gh.resetCalls()
	code, _ = run(t, "plan", "--chdir", r.Dir)
	require.Equal(t, 0, code)
	require.Equal(t, 7, gh.count("GET"))
	require.Equal(t, 1, gh.count("GRAPHQL"))
	require.Equal(t, 0, gh.count("POST")+gh.count("PATCH"))

	// A new push changes the plan: the same comment is updated.
	head2 := changeNodes(t, r, "5")
	writeEvent(head2)
	t.Setenv("GITHUB_SHA", head2)
	gh.resetCalls()
	code, _ = run(t, "plan", "--chdir", r.Dir)
	require.Equal(t, 0, code)
	require.Equal(t, 1, gh.count("PATCH"))
	require.Equal(t, 0, gh.count("POST"))
	notes = gh.snapshot()
	require.Len(t, notes, 251)
	require.Contains(t, notes[250].Body, head2)
	require.NotEqual(t, report, notes[250].Body)
}

func TestPlanOnGitLabKeepsOneNote(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, base, head := exampleRepo(t)
	gl := newFakeGitLab(t)
	gl.seed(45) // the report note lands on page 3 of 20... of 100: page 1
	for k, v := range map[string]string{
		"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": strings.Repeat("0", 40),
		"CI_PROJECT_ID": "42", "CI_PROJECT_PATH": "acme/infra", "CI_MERGE_REQUEST_PROJECT_ID": "42",
		"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "42", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "change", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": head,
		"CI_API_V4_URL": gl.srv.URL + "/api/v4", "CI_SERVER_URL": gl.srv.URL, "CI_JOB_URL": gl.srv.URL + "/-/jobs/1",
		"CI_DEFAULT_BRANCH": "main", "CI_PROJECT_DIR": r.Dir, "GITLAB_TOKEN": "test-token", "CI_JOB_TOKEN": "job-token",
	} {
		t.Setenv(k, v)
	}
	code, _ := run(t, "plan", "--chdir", r.Dir)
	require.Equal(t, 0, code)
	notes := gl.snapshot()
	require.Len(t, notes, 46)
	require.True(t, strings.HasPrefix(notes[45].Body, "<!-- tierdeploy:report environment=staging -->"))
	require.Equal(t, 1, gl.count("POST"))
	dotenv, err := os.ReadFile(filepath.Join(r.Dir, gitlabDotenv))
	require.NoError(t, err)
	require.Contains(t, string(dotenv), "TIERDEPLOY_HAS_CHANGES=true")
	widget, err := os.ReadFile(filepath.Join(r.Dir, gitlabTerraformDir, "infrastructure.staging.json"))
	require.NoError(t, err)
	require.JSONEq(t, `{"create":6,"update":0,"delete":0}`, string(widget)) // nothing is applied yet

	gl.resetCalls()
	code, _ = run(t, "plan", "--chdir", r.Dir)
	require.Equal(t, 0, code)
	require.Equal(t, 0, gl.count("POST")+gl.count("PUT"))

	head2 := changeNodes(t, r, "6")
	t.Setenv("CI_COMMIT_SHA", head2)
	t.Setenv("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", head2)
	gl.resetCalls()
	code, _ = run(t, "plan", "--chdir", r.Dir)
	require.Equal(t, 0, code)
	require.Equal(t, 1, gl.count("PUT"))
	require.Equal(t, 0, gl.count("POST"))
	require.Contains(t, gl.snapshot()[45].Body, head2)
}
