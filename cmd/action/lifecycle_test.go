package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// githubEnv points tierdeploy at the fake GitHub for one event.
type githubEnv struct {
	t    *testing.T
	gh   *fakeHost
	tmp  string
	repo *gittest.Repo
}

func newGitHubEnv(t *testing.T, gh *fakeHost, r *gittest.Repo) *githubEnv {
	tmp := t.TempDir()
	for k, v := range map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/infra", "GITHUB_API_URL": gh.srv.URL,
		"GITHUB_SERVER_URL": "https://github.example.invalid", "GITHUB_RUN_ID": "99", "GITHUB_TOKEN": "test-token",
		"GITHUB_OUTPUT": filepath.Join(tmp, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
		"RUNNER_TEMP": tmp, "GITHUB_WORKSPACE": r.Dir, "KUBECONFIG": filepath.Join(tmp, "no-cluster"),
	} {
		t.Setenv(k, v)
	}
	return &githubEnv{t: t, gh: gh, tmp: tmp, repo: r}
}

func (e *githubEnv) event(name string, payload map[string]any, sha string) {
	b, err := json.Marshal(payload)
	require.NoError(e.t, err)
	p := filepath.Join(e.tmp, name+".json")
	require.NoError(e.t, os.WriteFile(p, b, 0o644))
	e.t.Setenv("GITHUB_EVENT_NAME", name)
	e.t.Setenv("GITHUB_EVENT_PATH", p)
	e.t.Setenv("GITHUB_SHA", sha)
	e.t.Setenv("GITHUB_REF", "refs/heads/main")
}

var repoJSON = map[string]any{"id": 1, "full_name": "acme/infra", "default_branch": "main"}

// pullRequest makes the event of pull request 7 from branch to main.
func (e *githubEnv) pullRequest(base, head string) {
	e.event("pull_request", map[string]any{
		"action": "synchronize", "number": 7,
		"pull_request": map[string]any{"number": 7,
			"base": map[string]any{"ref": "main", "sha": base, "repo": repoJSON},
			"head": map[string]any{"ref": "change", "sha": head, "repo": repoJSON}},
		"repository": repoJSON,
	}, head)
}

// push makes the event of a push to main from before to after.
func (e *githubEnv) push(before, after string) {
	e.event("push", map[string]any{"ref": "refs/heads/main", "before": before, "after": after, "repository": repoJSON}, after)
}

func (e *githubEnv) schedule(head string) {
	e.event("schedule", map[string]any{"schedule": "0 3 * * *", "repository": repoJSON}, head)
}

// setReplicas sets the staging replicas of the project's Terraform.
func setReplicas(t *testing.T, r *gittest.Repo, n string) {
	t.Helper()
	r.Write(map[string]string{"project/terraform/staging.tfvars": "replicas = " + n + "\n"})
}

func readApplied(t *testing.T, dir, env string) *inventory.Applied {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".tierdeploy/inventory", env+".applied.json"))
	require.NoError(t, err)
	rec, err := inventory.ParseApplied(b)
	require.NoError(t, err)
	return rec
}

// TestLifecycle follows a repository from its first apply through reviewed
// merges, a refused merge whose plan changed after review, a failed apply
// caught up by the next push, and drift found, tracked and resolved.
func TestLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)
	// The example's Helm release needs a cluster; this test is about the
	// Terraform tiers and the inventory.
	noHelm(t, r)
	first := r.Commit("no helm in this test")

	// 1. The first apply on main applies everything that detection selects.
	env.push(strings.Repeat("0", 40), first)
	code, out := run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	rec := readApplied(t, r.Dir, "staging")
	require.Equal(t, first, rec.Stacks["infrastructure"].Last.Commit)
	require.Equal(t, int64(1), rec.Stacks["infrastructure"].Last.InventoryVersion)
	require.Equal(t, first, rec.Stacks["project"].Last.Commit)

	// 2. A reviewed change: plan on the pull request, merge, apply with
	// --require-reviewed.
	r.Git("checkout", "-q", "-b", "review")
	setReplicas(t, r, "2")
	head := r.Commit("two replicas")
	env.pullRequest(first, head)
	code, _ = run(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	comments := gh.comments(7)
	require.Len(t, comments, 1)
	require.Contains(t, comments[0].Body, "tierdeploy:fingerprint stack=project/staging sha256:")
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--ff-only", "review")
	gh.mergedAs(7, head)
	env.push(first, head)
	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--require-reviewed")
	require.Equal(t, 0, code)
	require.Contains(t, out, "project/staging")
	require.Equal(t, head, readApplied(t, r.Dir, "staging").Stacks["project"].Last.Commit)
	comments = gh.comments(7)
	require.Len(t, comments, 2, "the apply result is posted on the merged pull request")
	require.True(t, strings.HasPrefix(comments[1].Body, "<!-- tierdeploy:apply environment=staging -->"))

	// 3. The plan changed after review: the merged tree is not the
	// reviewed one, so nothing of the stack is applied.
	r.Git("checkout", "-q", "-b", "review2")
	setReplicas(t, r, "3")
	reviewed := r.Commit("three replicas")
	env.pullRequest(head, reviewed)
	code, _ = run(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	r.Git("checkout", "-q", "main")
	setReplicas(t, r, "4") // what got merged differs from what was reviewed
	merged := r.Commit("four replicas, merged without review")
	gh.mergedAs(7, merged)
	env.push(head, merged)
	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--require-reviewed")
	require.Equal(t, 0, code)
	require.Contains(t, out, "the plan changed since review")
	require.Equal(t, head, readApplied(t, r.Dir, "staging").Stacks["project"].Last.Commit, "nothing was applied")

	// 4. A failed apply is caught up by the next push, even one that
	// changes nothing of the stack.
	r.Write(map[string]string{"project/terraform/fail.tf": `resource "terraform_data" "hook" {
  provisioner "local-exec" {
    command = "exit 1"
  }
}
`})
	broken := r.Commit("a hook that fails on apply")
	env.push(merged, broken)
	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitFailed, code, out)
	rec = readApplied(t, r.Dir, "staging")
	require.Equal(t, head, rec.Stacks["project"].Last.Commit, "a failed apply is not recorded")
	require.Nil(t, rec.Stacks["project"].Started, "a failure is not an interruption")
	require.NoError(t, os.Remove(filepath.Join(r.Dir, "project/terraform/fail.tf")))
	fixed := r.Commit("remove the hook")
	r.Write(map[string]string{"README.md": "unrelated\n"})
	docs := r.Commit("docs only")
	env.push(fixed, docs) // this push alone touches no stack
	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "project/staging")
	require.Equal(t, docs, readApplied(t, r.Dir, "staging").Stacks["project"].Last.Commit)

	// 5. Nothing left to apply.
	env.push(docs, docs)
	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Contains(t, out, "Nothing to apply")

	// 6. Drift: the published inventory is edited by hand; a drift check
	// opens an issue, a second run leaves it as it is, and putting the
	// inventory right closes it.
	invPath := filepath.Join(r.Dir, ".tierdeploy/inventory/staging.json")
	good, err := os.ReadFile(invPath)
	require.NoError(t, err)
	edited := strings.Replace(string(good), `"eu-west-1"`, `"us-east-1"`, 1)
	require.NotEqual(t, string(good), edited)
	require.NoError(t, os.WriteFile(invPath, []byte(edited), 0o600))
	env.schedule(docs)
	code, out = run(t, "drift", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitChanges, code, out)
	issues := gh.openIssues()
	require.Len(t, issues, 1)
	require.Contains(t, issues[0].Body, "tierdeploy:drift environment=staging stack=infrastructure")
	gh.resetCalls()
	code, _ = run(t, "drift", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitChanges, code)
	require.Len(t, gh.openIssues(), 1)
	require.Equal(t, 0, gh.count("POST")+gh.count("PATCH"), "an unchanged drift writes nothing")
	require.NoError(t, os.WriteFile(invPath, good, 0o600))
	code, _ = run(t, "drift", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Empty(t, gh.openIssues(), "the issue is closed once the stack is in sync")
}

// noHelm removes the example's Helm release from the configuration.
func noHelm(t *testing.T, r *gittest.Repo) {
	t.Helper()
	p := filepath.Join(r.Dir, "tierdeploy.yaml")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	s := string(b)
	i := strings.Index(s, "    helm:")
	require.Positive(t, i)
	require.NoError(t, os.WriteFile(p, []byte(s[:i]), 0o644))
}
