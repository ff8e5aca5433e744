package policy

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

func TestTestRunsRegoTests(t *testing.T) {
	root := repo(t, map[string]string{
		"p/sizes.rego": sizes,
		"p/sizes_test.rego": `package terraform.sizes_test

import data.terraform.sizes

test_small_passes if {
	count(sizes.deny) == 0 with input as data.testdata.small
}

test_wrong_expectation if {
	count(sizes.deny) == 5 with input as data.testdata.small
}

test_prints if {
	print("looking at", data.testdata.small.resource_changes[0].address)
	false
}

test_error if {
	1 / 0 == 1
}

todo_test_later if false
`,
		"p/testdata/small.json": dbPlan("db.t4g.small", 20),
	})
	rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	require.Len(t, rep.Results, 5)
	byName := map[string]TestResult{}
	for _, r := range rep.Results {
		byName[r.Name] = r
	}
	assert.Equal(t, TestPass, byName["test_small_passes"].Status)
	assert.Equal(t, TestFail, byName["test_wrong_expectation"].Status)
	assert.Equal(t, "p/sizes_test.rego", byName["test_wrong_expectation"].File)
	assert.Equal(t, 9, byName["test_wrong_expectation"].Line)
	assert.Equal(t, TestFail, byName["test_prints"].Status)
	assert.Contains(t, byName["test_prints"].Message, "looking at aws_db_instance.main")
	assert.Equal(t, TestSkip, byName["todo_test_later"].Status)
	assert.False(t, rep.OK())
	text := rep.Text(false)
	assert.Contains(t, text, "p/sizes_test.rego:9: terraform.sizes_test.test_wrong_expectation: FAIL")
	assert.NotContains(t, text, "test_small_passes")
	assert.Contains(t, text, "PASS: 1/5, FAIL:")
	assert.Contains(t, rep.Text(true), "test_small_passes: PASS")

	only, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"p"}, Run: "small"})
	require.NoError(t, err)
	require.Len(t, only.Results, 1)
	assert.True(t, only.OK())
}

func TestTestReportsBadTestsAsBadInput(t *testing.T) {
	for name, tc := range map[string]struct{ test, want string }{
		"undefined function": {"test_x if {\n\tundefined_function(1)\n}\n", "p/ok_test.rego:4:"},
		// Inside print, which the tests run with: the job's environment
		// (tokens, credentials) stays out of reach, and the refusal is
		// bad input with its line, as outside print.
		"runtime env in print": {"test_x if {\n\tprint(opa.runtime().env.GITLAB_TOKEN)\n}\n", "p/ok_test.rego:4:"},
		"http.send in print":   {"test_x if {\n\tprint(http.send({\"method\": \"get\", \"url\": \"http://127.0.0.1:1\"}))\n}\n", "p/ok_test.rego:4:"},
	} {
		t.Run(name, func(t *testing.T) {
			root := repo(t, map[string]string{
				"p/ok.rego":      "package ok\n\nwarn contains \"x\" if false\n",
				"p/ok_test.rego": "package ok_test\n\n" + tc.test,
			})
			_, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"p"}})
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestTestWithoutTests(t *testing.T) {
	root := repo(t, map[string]string{"p/ok.rego": "package ok\n\nwarn contains \"x\" if false\n"})
	rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.Contains(t, rep.Text(false), "no tests found")
}

// TestReferenceConfigPolicies loads the policies tierdeploy.reference.yaml
// names, for every tier and environment, as plan and apply will, and runs
// their tests.
func TestReferenceConfigPolicies(t *testing.T) {
	root := testtools.Root(t)
	cfg, err := config.Load(filepath.Join(root, "tierdeploy.reference.yaml"))
	require.NoError(t, err)
	lib := NewLibrary(root, 0)
	for _, tier := range cfg.Tiers {
		for _, env := range cfg.EnvironmentNames() {
			dirs := tier.PolicyDirs(env)
			require.NotEmpty(t, dirs, "tier %s", tier.Name)
			e, err := lib.Evaluator(t.Context(), dirs)
			require.NoError(t, err)
			assert.NotEmpty(t, e.Packages())
			rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: dirs})
			require.NoError(t, err)
			assert.True(t, rep.OK(), rep.Text(false))
		}
	}
	// test-policies: every directory at once.
	rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: cfg.AllPolicyDirs()})
	require.NoError(t, err)
	assert.True(t, rep.OK(), rep.Text(false))
	assert.Equal(t, "PASS: 25/25\n", rep.Text(false))
}
