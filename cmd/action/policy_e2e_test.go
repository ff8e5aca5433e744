package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/runner/runnertest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// clusterPolicy limits the example's cluster: more than 3 nodes warn, more
// than 4 are denied unless the change has the big-cluster label.
const clusterPolicy = `# The cluster's size.
package infra.cluster

nodes contains n if {
	some rc in input.resource_changes
	rc.type == "terraform_data"
	rc.name == "cluster"
	n := rc.change.after.input.node_count
}

deny contains msg if {
	some n in nodes
	n > 4
	not "big-cluster" in input.tierdeploy.labels
	msg := sprintf("the cluster would have %d nodes; more than 4 need the big-cluster label", [n])
}

warn contains msg if {
	some n in nodes
	n > 3
	msg := sprintf("the cluster would have %d nodes, which costs more", [n])
}
`

// namingPolicy always passes on the example: its resources are named for
// the project.
const namingPolicy = `package infra.naming

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "terraform_data"
	name := object.get(rc.change.after, ["input", "name"], "shop-")
	not startswith(name, "shop-")
	msg := sprintf("%s: %s is not named for the project", [rc.address, name])
}
`

// policyRepo is the example on main, without its Helm release (it needs a
// cluster), with the cluster and naming policies on the infrastructure
// tier; it returns the repository and its head commit.
func policyRepo(t *testing.T, tierKeys string) (*gittest.Repo, string) {
	t.Helper()
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	noHelm(t, r)
	editFile(t, r, "tierdeploy.yaml", "    publishes_inventory: true\n",
		"    publishes_inventory: true\n    policies: [policy/infra]\n"+tierKeys)
	r.Write(map[string]string{
		"policy/infra/cluster.rego": clusterPolicy,
		"policy/infra/naming.rego":  namingPolicy,
		"policy/infra/cluster_test.rego": `package infra.cluster_test

import data.infra.cluster

test_five_nodes_denied if {
	count(cluster.deny) == 1 with input as {"resource_changes": [{"type": "terraform_data", "name": "cluster", "change": {"after": {"input": {"node_count": 5}}}}], "tierdeploy": {"labels": []}}
}
`,
	})
	return r, r.Commit("policies")
}

// editFile replaces old by new in a file of the repository.
func editFile(t *testing.T, r *gittest.Repo, path, old, new string) {
	t.Helper()
	p := filepath.Join(r.Dir, path)
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(b), old, path)
	require.NoError(t, os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// pullRequestLabelled makes the event of pull request 7 with labels.
func (e *githubEnv) pullRequestLabelled(base, head string, labels ...string) {
	var ls []map[string]any
	for _, l := range labels {
		ls = append(ls, map[string]any{"name": l, "color": "ededed"})
	}
	e.event("pull_request", map[string]any{
		"action": "labeled", "number": 7,
		"pull_request": map[string]any{"number": 7, "labels": ls,
			"base": map[string]any{"ref": "main", "sha": base, "repo": repoJSON},
			"head": map[string]any{"ref": "change", "sha": head, "repo": repoJSON}},
		"repository": repoJSON,
	}, head)
}

// takeSummary returns the job summary written so far, and empties it.
func (e *githubEnv) takeSummary() string {
	p := filepath.Join(e.tmp, "summary")
	b, _ := os.ReadFile(p)
	_ = os.Remove(p)
	return string(b)
}

// TestPlanChecksPolicies plans pull requests through the command line on
// GitHub, with real OpenTofu plans and real Rego: a change the policies
// pass, one they warn about, one they deny (exit 1, the rule and message in
// the comment, every check in the job summary), and the same with the
// label that lifts the deny; then on GitLab, where the labels come from
// CI_MERGE_REQUEST_LABELS.
func TestPlanChecksPolicies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, first := policyRepo(t, "")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)
	r.Git("checkout", "-q", "-b", "review")

	steps := []struct {
		name   string
		nodes  string
		labels []string
		code   int
		// comment holds these; summary too, with every check.
		comment []string
		absent  []string
		summary []string
	}{
		{name: "passes", nodes: "3", code: app.ExitOK,
			comment: []string{"| Checks |", "✅ 2 passed"},
			absent:  []string{"#### Checks", "denied"},
			summary: []string{"policy `infra.cluster` on terraform `infrastructure/environments/staging`: passed", "policy `infra.naming`"}},
		{name: "warns", nodes: "4", code: app.ExitOK,
			comment: []string{"⚠️ 1 warned, 1 passed", "#### Checks", "`warn`: the cluster would have 4 nodes, which costs more"},
			absent:  []string{"denied", "infra.naming"},
			summary: []string{"policy `infra.cluster` on terraform `infrastructure/environments/staging`: warned", "policy `infra.naming` on terraform `infrastructure/environments/staging`: passed"}},
		{name: "denies", nodes: "5", code: app.ExitFailed,
			comment: []string{"1 stack denied by checks", "❌ denied by checks", "❌ 1 failed, 1 passed",
				"`deny`: the cluster would have 5 nodes; more than 4 need the big-cluster label",
				"`warn`: the cluster would have 5 nodes, which costs more",
				"`project/staging`"},
			absent:  []string{"infra.naming"},
			summary: []string{"policy `infra.cluster` on terraform `infrastructure/environments/staging`: failed", "policy `infra.naming` on terraform `infrastructure/environments/staging`: passed"}},
		{name: "the label lifts the deny", nodes: "5", labels: []string{"big-cluster", "::error::a label"}, code: app.ExitOK,
			comment: []string{"⚠️ 1 warned, 1 passed", "which costs more"},
			absent:  []string{"denied", "more than 4 need"}},
	}
	for _, st := range steps {
		head := changeNodes(t, r, st.nodes)
		env.pullRequestLabelled(first, head, st.labels...)
		code, stdout, stderr := runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
		require.Equal(t, st.code, code, "%s: %s", st.name, stderr)
		comments := gh.comments(7)
		require.Len(t, comments, 1, st.name)
		body := comments[0].Body
		require.Contains(t, body, head, st.name)
		for _, s := range st.comment {
			assert.Contains(t, body, s, st.name)
		}
		for _, s := range st.absent {
			assert.NotContains(t, body, s, st.name)
		}
		summary := env.takeSummary()
		for _, s := range st.summary {
			assert.Contains(t, summary, s, st.name)
		}
		if st.code == app.ExitFailed {
			assert.Contains(t, stderr, "1 of 2 stacks failed: infrastructure/staging")
		}
		assert.Empty(t, runnertest.Foreign(stdout, ownCommand), "stdout")
		assert.Empty(t, runnertest.Foreign(stderr, ownCommand), "stderr")
	}

	t.Run("GitLab", func(t *testing.T) {
		for _, k := range []string{"GITHUB_ACTIONS", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"} {
			t.Setenv(k, "")
		}
		head := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
		for labels, want := range map[string]int{"": app.ExitFailed, "team::infra,big-cluster": app.ExitOK} {
			gl := newFakeGitLab(t)
			for k, v := range map[string]string{
				"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
				"CI_MERGE_REQUEST_DIFF_BASE_SHA": first, "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": strings.Repeat("0", 40),
				"CI_PROJECT_ID": "42", "CI_PROJECT_PATH": "acme/infra", "CI_MERGE_REQUEST_PROJECT_ID": "42",
				"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "42", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
				"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "review", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": head,
				"CI_MERGE_REQUEST_LABELS": labels,
				"CI_API_V4_URL":           gl.srv.URL + "/api/v4", "CI_SERVER_URL": gl.srv.URL, "CI_JOB_URL": gl.srv.URL + "/-/jobs/1",
				"CI_DEFAULT_BRANCH": "main", "CI_PROJECT_DIR": r.Dir, "GITLAB_TOKEN": "test-token",
			} {
				t.Setenv(k, v)
			}
			code, _, stderr := runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
			require.Equal(t, want, code, "labels %q: %s", labels, stderr)
			notes := gl.snapshot()
			require.Len(t, notes, 1)
			assert.Equal(t, want == app.ExitFailed, strings.Contains(notes[0].Body, "denied by checks"), labels)
		}
	})
}

// TestABadPolicyStopsEveryCommand: a policy with a syntax error stops
// plan, apply and validate with exit 3 and one error naming its file and
// line, before any stage runs or anything is written.
func TestABadPolicyStopsEveryCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, _ := policyRepo(t, "")
	r.Write(map[string]string{"policy/infra/broken.rego": "package infra.broken\n\ndeny contains msg if {\n\tmsg := \n}\n"})
	r.Commit("a broken policy")
	for _, args := range [][]string{
		{"plan", "--all", "--environment", "staging"},
		{"apply", "--all", "--environment", "staging"},
		{"validate"},
	} {
		t.Run(args[0], func(t *testing.T) {
			start := time.Now()
			code, stdout, stderr := runCI(t, append([]string{"--chdir", r.Dir}, args...)...)
			assert.Equal(t, app.ExitInput, code)
			assert.Regexp(t, `tierdeploy: policy policy/infra/broken\.rego:[45](:\d+)?: `, stderr)
			assert.Equal(t, 1, strings.Count(stderr, "broken.rego"), "one clear error")
			assert.NotContains(t, stderr, "of stack started", "no stack ran")
			assert.Empty(t, stdout)
			assert.Less(t, time.Since(start), 30*time.Second)
		})
	}
	_, err := os.Stat(filepath.Join(r.Dir, ".tierdeploy"))
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing was written: no report, inventory or apply record")
}

// tfState reads the staging infrastructure's state.
func tfState(t *testing.T, r *gittest.Repo) string {
	t.Helper()
	states, err := filepath.Glob(filepath.Join(r.Dir, "infrastructure", "environments", "staging", "*.tfstate"))
	require.NoError(t, err)
	require.Len(t, states, 1)
	b, err := os.ReadFile(states[0])
	require.NoError(t, err)
	return string(b)
}

// TestApplyRefusesADeniedPlan merges a change the policies deny: apply
// plans it afresh, checks it, and refuses it (exit 1) with the state, the
// inventory and the apply record untouched. Once the merged pull request
// has the label that lifts the deny, the same commit is applied.
func TestApplyRefusesADeniedPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	r, first := policyRepo(t, "")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)

	env.push(strings.Repeat("0", 40), first)
	code, _, stderr := runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, app.ExitOK, code, stderr)
	state := tfState(t, r)
	invPath := filepath.Join(r.Dir, ".tierdeploy/inventory/staging.json")
	inv, err := os.ReadFile(invPath)
	require.NoError(t, err)

	// Merged without the label: the fresh plan is denied.
	head := changeNodes(t, r, "5")
	gh.mergedAs(8, head)
	env.push(first, head)
	code, stdout, stderr := runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitFailed, code, stderr)
	assert.Contains(t, stdout, "❌ denied by checks")
	assert.Contains(t, stdout, "more than 4 need the big-cluster label")
	assert.Contains(t, stdout, "not applied: the stack's checks failed")
	assert.Contains(t, stderr, "infrastructure/staging")
	assert.Equal(t, state, tfState(t, r), "the state is untouched")
	after, err := os.ReadFile(invPath)
	require.NoError(t, err)
	assert.Equal(t, string(inv), string(after), "no inventory was published")
	rec := readApplied(t, r.Dir, "staging")
	assert.Equal(t, first, rec.Stacks["infrastructure"].Last.Commit, "the last apply is still the first")
	assert.Nil(t, rec.Stacks["infrastructure"].Started)
	comments := gh.comments(8)
	require.Len(t, comments, 1)
	assert.Contains(t, comments[0].Body, "denied by checks", "the merged pull request is told")

	// The merged pull request has the label: the same commit is applied.
	gh.mergedAs(8, head, "big-cluster")
	code, stdout, stderr = runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, "⚠️ 1 warned")
	assert.NotEqual(t, state, tfState(t, r))
	assert.Contains(t, tfState(t, r), `"node_count":5`)
	rec = readApplied(t, r.Dir, "staging")
	assert.Equal(t, head, rec.Stacks["infrastructure"].Last.Commit)
}

// TestExternalCheckers runs checkers through the command line on a real
// plan: one reads its private files, one fails, one hangs until its
// timeout kills it, one prints a lot and warns. The stack fails (exit 1),
// the run stays bounded, and the report shows the start of each output.
func TestExternalCheckers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	out := t.TempDir()
	t.Setenv("POLICY_E2E_OUT", out)
	r, _ := policyRepo(t, `    checks:
      - name: reads-its-files
        command: [sh, checks/files.sh, "{plan_json}", "{input}"]
      - name: fails
        command: [sh, -c, "echo 'CRITICAL: the bucket is public'; echo second line; exit 1"]
      - name: hangs
        command: [sh, -c, "echo started; sleep 600"]
        timeout: 2s
      - name: loud
        command: [sh, -c, "yes 'a line of output' | head -n 100000; exit 3"]
        warn_exit_codes: [3]
        stages: [terraform]
`)
	r.Write(map[string]string{"checks/files.sh": `set -e
stat -c '%a' "$1" > "$POLICY_E2E_OUT/plan-mode"
stat -c '%a' "$(dirname "$1")" > "$POLICY_E2E_OUT/dir-mode"
printf '%s' "$1" > "$POLICY_E2E_OUT/plan-path"
cp "$1" "$POLICY_E2E_OUT/plan.json"
cp "$2" "$POLICY_E2E_OUT/input.json"
echo "checked $TIERDEPLOY_STACK"
`})
	r.Commit("checkers")

	start := time.Now()
	code, stdout, stderr := runCI(t, "plan", "--chdir", r.Dir, "--all", "--environment", "staging")
	elapsed := time.Since(start)
	require.Equal(t, app.ExitFailed, code, stderr)
	assert.Less(t, elapsed, 2*time.Minute, "the hanging checker was stopped")
	t.Logf("plan with checkers: %s", elapsed)

	assert.Contains(t, stdout, "❌ denied by checks")
	assert.Contains(t, stdout, "check `fails` on terraform `infrastructure/environments/staging`: failed")
	assert.Contains(t, stdout, "CRITICAL: the bucket is public")
	assert.Contains(t, stdout, "check `hangs` on terraform `infrastructure/environments/staging`: failed")
	assert.Contains(t, stdout, "timed out after 2s")
	assert.Contains(t, stdout, "check `loud` on terraform `infrastructure/environments/staging`: warned")
	assert.Contains(t, stdout, "It printed 100,000 lines")
	assert.Less(t, strings.Count(stdout, "a line of output"), 300, "the loud output is cut")
	assert.Less(t, len(stdout), 256<<10)

	mode, err := os.ReadFile(filepath.Join(out, "plan-mode"))
	require.NoError(t, err)
	assert.Equal(t, "600\n", string(mode), "the plan JSON is private")
	mode, err = os.ReadFile(filepath.Join(out, "dir-mode"))
	require.NoError(t, err)
	assert.Equal(t, "700\n", string(mode))
	planPath, err := os.ReadFile(filepath.Join(out, "plan-path"))
	require.NoError(t, err)
	_, err = os.Stat(string(planPath))
	assert.ErrorIs(t, err, os.ErrNotExist, "the files are removed after the run")
	plan, err := os.ReadFile(filepath.Join(out, "plan.json"))
	require.NoError(t, err)
	assert.Contains(t, string(plan), `"resource_changes"`, "the checker read the real plan JSON")
	input, err := os.ReadFile(filepath.Join(out, "input.json"))
	require.NoError(t, err)
	assert.Contains(t, string(input), `"tierdeploy"`)
}

// TestSensitiveValuesNeverReachChecks applies an infrastructure whose
// database password is a sensitive output, then plans a project tier that
// uses it in Terraform, with a policy and a checker on both tiers that see
// everything they are given: the password is in neither's input, in no
// policy message, and in no output of the run.
func TestSensitiveValuesNeverReachChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	out := t.TempDir()
	t.Setenv("POLICY_E2E_OUT", out)
	r := secretRepo(t)
	noHelm(t, r)
	dump := `    policies: [policy/dump]
    checks:
      - name: dump
        command: [sh, -c, "cat {plan_json} >> \"$POLICY_E2E_OUT/$TIERDEPLOY_TIER.plan.json\"; cat {input} >> \"$POLICY_E2E_OUT/$TIERDEPLOY_TIER.input.json\""]
`
	editFile(t, r, "tierdeploy.yaml", "    sensitive_outputs: [database_password]\n", "    sensitive_outputs: [database_password]\n"+dump)
	editFile(t, r, "tierdeploy.yaml", "      backend_config: [\"path=terraform-{environment}.tfstate\"]\n",
		"      backend_config: [\"path=terraform-{environment}.tfstate\"]\n"+dump)
	r.Write(map[string]string{"policy/dump/dump.rego": `# Warns with everything it is given.
package dump

warn contains msg if {
	msg := json.marshal(input)
}

warn_resources contains msg if {
	some rc in input.resource_changes
	msg := sprintf("%s: %s", [rc.address, json.marshal(rc.change)])
}

warn_inventory contains msg if {
	msg := json.marshal(input.tierdeploy.inventory)
}
`})
	first := r.Commit("checks that see everything")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)

	env.push(strings.Repeat("0", 40), first)
	code, applyOut, applyErr := runCI(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--tier", "infrastructure", "--all")
	require.Equal(t, app.ExitOK, code, applyErr)

	r.Git("checkout", "-q", "-b", "review")
	setReplicas(t, r, "2")
	head := r.Commit("two replicas")
	env.pullRequest(first, head)
	code, stdout, stderr := runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, app.ExitOK, code, stderr)
	comments := gh.comments(7)
	require.Len(t, comments, 1)
	body := comments[0].Body
	assert.Contains(t, body, "db_client", "the project uses the password")
	assert.Contains(t, body, "(sensitive)", "the checks saw the marker in its place")

	texts := map[string]string{"comment": body, "stdout": stdout, "stderr": stderr, "apply stdout": applyOut, "apply stderr": applyErr}
	for p, text := range readAll(t, env.tmp, filepath.Join(r.Dir, ".tierdeploy"), out) {
		texts[p] = text
	}
	for _, f := range []string{"infrastructure.plan.json", "infrastructure.input.json", "project.plan.json", "project.input.json"} {
		require.Contains(t, texts, filepath.Join(out, f), "the checker ran on both tiers")
		assert.Contains(t, texts[filepath.Join(out, f)], "(sensitive)", f)
	}
	assert.Contains(t, texts[filepath.Join(out, "project.plan.json")], "db_client")
	noLeak(t, texts)
}

// TestTestPoliciesOnTheReferenceSet runs tierdeploy test-policies on the
// reference deployment's policies and tests, then on a repository whose
// test fails, prints workflow commands, or does not compile.
func TestTestPoliciesOnTheReferenceSet(t *testing.T) {
	clearCI(t)
	root := testtools.Root(t)
	code, stdout, stderr := runCI(t, "--chdir", root, "--config", "tierdeploy.reference.yaml", "test-policies")
	require.Equal(t, app.ExitOK, code, stderr)
	m := regexp.MustCompile(`(?m)^PASS: (\d+)/(\d+)$`).FindStringSubmatch(stdout)
	require.NotNil(t, m, stdout)
	assert.Equal(t, m[1], m[2])
	assert.NotContains(t, stdout, "FAIL")

	// As the GitHub Action runs it (action.yml's args, command: test-policies).
	code, stdout, stderr = runCI(t, "--platform=github", "--chdir="+root, "--config=tierdeploy.reference.yaml", "--tool-mirror=",
		"--platform=github", "test-policies", "--environment=", "--tier=", "--platform=github", "--platform=github", "--platform=github")
	require.Equal(t, app.ExitOK, code, stderr)
	assert.Contains(t, stdout, m[0])

	code, verbose, _ := runCI(t, "--chdir", root, "--config", "tierdeploy.reference.yaml", "test-policies", "-v", "--run", "s3")
	require.Equal(t, app.ExitOK, code)
	assert.Contains(t, verbose, "policy/terraform/s3_test.rego:")
	assert.NotContains(t, verbose, "rds_test")

	code, stdout, _ = runCI(t, "--chdir", root, "--config", "tierdeploy.reference.yaml", "test-policies", "--tier", "project")
	require.Equal(t, app.ExitOK, code)
	assert.NotContains(t, stdout, m[0], "only the project's policies: fewer tests")

	r := gittest.New(t)
	r.Write(map[string]string{
		"tierdeploy.yaml":  "version: 1\ntiers:\n  - name: infra\n    terraform:\n      dir: infra\n    policies: [policy]\n",
		"infra/main.tf":    "resource \"terraform_data\" \"x\" {}\n",
		"policy/size.rego": "package size\n\ndeny contains \"too big\" if input.size > 3\n",
		"policy/size_test.rego": `package size_test

import data.size

test_small_passes if {
	count(size.deny) == 0 with input as {"size": 1}
}

test_wrong if {
	print("::error::printed by a test")
	count(size.deny) == 0 with input as {"size": 9}
}
`,
	})
	r.Commit("policies")
	t.Setenv("GITHUB_ACTIONS", "true") // the runner reads workflow commands from the log
	code, stdout, stderr = runCI(t, "--chdir", r.Dir, "--platform", "local", "test-policies")
	assert.Equal(t, app.ExitFailed, code)
	assert.Contains(t, stdout, "policy/size_test.rego:9: size_test.test_wrong: FAIL")
	assert.Contains(t, stdout, "PASS: 1/2, FAIL: 1")
	assert.Contains(t, stdout, "printed by a test")
	assert.Empty(t, runnertest.Foreign(stdout, ownCommand), "what a test prints is not a workflow command")
	assert.Contains(t, stderr, "policy tests failed")

	r.Write(map[string]string{"policy/size_test.rego": "package size_test\n\ntest_broken if {\n"})
	code, _, stderr = runCI(t, "--chdir", r.Dir, "--platform", "local", "test-policies")
	assert.Equal(t, app.ExitInput, code)
	assert.Contains(t, stderr, "policy/size_test.rego:")
}

// TestHelmChecksReadTheRenderedRelease plans the example's chart, rendered
// by the real Helm library, under a policy on its objects: a change to the
// image tag that the policy denies fails the project stack.
func TestHelmChecksReadTheRenderedRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu and Helm")
	}
	offlineTofu(t)
	clearCI(t)
	r, base, _ := exampleRepo(t)
	editFile(t, r, "tierdeploy.yaml", "    paths: [\"project/**\"]\n", "    paths: [\"project/**\"]\n    policies: [policy/helm]\n")
	r.Write(map[string]string{"policy/helm/tags.rego": `# Images are pinned: no latest tag.
package helm.tags

deny contains msg if {
	some obj in input.objects
	obj.kind == "Deployment"
	some c in obj.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("Deployment/%s: container %s runs %s, which is not pinned", [obj.metadata.name, c.name, c.image])
}

warn contains msg if {
	input.tierdeploy.kind == "helm"
	msg := sprintf("release %s in %s renders %d objects", [input.tierdeploy.release.name, input.tierdeploy.release.namespace, count(input.objects)])
}
`, "project/values/staging.yaml": "image:\n  tag: latest\n"})
	head := r.Commit("the latest image, checked")
	gh := newFakeGitHub(t)
	env := newGitHubEnv(t, gh, r)
	env.pullRequest(base, head)
	code, _, stderr := runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitFailed, code, stderr)
	comments := gh.comments(7)
	require.Len(t, comments, 1)
	body := comments[0].Body
	assert.Contains(t, body, "| `project/staging` | ❌ denied by checks |")
	assert.Contains(t, body, "policy `helm.tags` on helm `app`: failed")
	assert.Contains(t, body, "container web runs (known after apply)/shop:latest, which is not pinned",
		"the registry comes from the inventory the plan predicts")
	assert.Contains(t, body, "release app in app renders 3 objects")
	assert.Contains(t, stderr, "1 of 2 stacks failed: project/staging")

	r.Write(map[string]string{"project/values/staging.yaml": "image:\n  tag: \"1.8.3\"\n"})
	head = r.Commit("a pinned image")
	env.pullRequest(base, head)
	code, _, stderr = runCI(t, "plan", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, app.ExitOK, code, stderr)
	body = gh.comments(7)[0].Body
	assert.NotContains(t, body, "denied")
	assert.Contains(t, body, "⚠️ 1 warned")
}
