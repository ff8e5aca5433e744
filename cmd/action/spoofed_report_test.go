package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

// mallory is anyone who may comment on a pull request or open an issue.
var mallory = account{ID: 666, Login: "mallory", Type: "User"}

// fingerprintLines returns the hidden fingerprint lines of a report body.
func fingerprintLines(body string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.HasPrefix(l, "<!-- tierdeploy:fingerprint ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestSpoofedReportIsNotTrusted plants, on a pull request, a comment that
// looks like tierdeploy's report, before tierdeploy's own, carrying the
// fingerprints of a plan nobody reviewed (copied from the report of another
// pull request, where CI computed them). Plan must leave it alone and post
// its own report; apply --require-reviewed must read its own report, find
// that the merged plan is not the reviewed one, and apply nothing. A drift
// issue opened by someone else with the label and marker is never updated
// or closed either.
func TestSpoofedReportIsNotTrusted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)
	noHelm(t, r)
	first := r.Commit("no helm in this test")
	env.push(strings.Repeat("0", 40), first)
	code, out := run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)

	// The unreviewed change, planned on pull request 8: its report, and so
	// its fingerprints, are public.
	r.Git("checkout", "-q", "-b", "unreviewed")
	setReplicas(t, r, "4")
	unreviewed := r.Commit("four replicas")
	env.event("pull_request", map[string]any{
		"action": "opened", "number": 8,
		"pull_request": map[string]any{"number": 8,
			"base": map[string]any{"ref": "main", "sha": first, "repo": repoJSON},
			"head": map[string]any{"ref": "unreviewed", "sha": unreviewed, "repo": repoJSON}},
		"repository": repoJSON,
	}, unreviewed)
	code, _ = run(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Len(t, gh.comments(8), 1)
	stolen := fingerprintLines(gh.comments(8)[0].Body)
	require.Contains(t, stolen, "stack=project/staging")

	// Pull request 7 is reviewed with three replicas; mallory's comment
	// comes first and, after the plan, carries the stolen fingerprints.
	r.Git("checkout", "-q", "main")
	r.Git("checkout", "-q", "-b", "review")
	setReplicas(t, r, "3")
	reviewed := r.Commit("three replicas")
	marker := "<!-- tierdeploy:report environment=staging -->"
	planted := gh.plant(mallory, 7, marker+"\n### Plan\nLooks good.")
	env.pullRequest(first, reviewed)
	code, _ = run(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	comments := gh.comments(7)
	require.Len(t, comments, 2, "tierdeploy posts its own report")
	assert.Equal(t, marker+"\n### Plan\nLooks good.", comments[0].Body, "mallory's comment is not edited")
	assert.Equal(t, "github-actions[bot]", comments[1].User.Login)
	gh.editBody(7, planted.ID, marker+"\n### Plan\nLooks good.\n"+stolen)

	// What gets merged is the unreviewed change.
	r.Git("checkout", "-q", "main")
	r.Git("merge", "-q", "--ff-only", "unreviewed")
	gh.mergedAs(7, unreviewed)
	env.push(first, unreviewed)
	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--require-reviewed")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "the plan changed since review")
	assert.Equal(t, first, readApplied(t, r.Dir, "staging").Stacks["project"].Last.Commit, "nothing was applied")

	// Drift issues: mallory's issue with the label and tierdeploy's marker
	// is neither updated nor closed, drifting or not.
	driftMarker := "<!-- tierdeploy:drift environment=staging stack=project -->"
	gh.plantIssue(mallory, "Drift: project in staging", driftMarker+"\nplanted", app.DriftLabel)
	env.schedule(unreviewed)
	code, _ = run(t, "drift", "--chdir", r.Dir, "--environment", "staging")
	require.Contains(t, []int{0, app.ExitChanges}, code)
	for _, is := range gh.openIssues() {
		if is.User == mallory {
			assert.Equal(t, driftMarker+"\nplanted", is.Body, "mallory's issue is left as it was")
		}
	}
	assert.Contains(t, gh.openIssues(), ghIssue{Number: 1000, Title: "Drift: project in staging", Body: driftMarker + "\nplanted",
		State: "open", Labels: []map[string]any{{"name": app.DriftLabel}}, User: mallory}, "mallory's issue stays open")
}
