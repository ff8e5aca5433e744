package ship

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestComponentTestPoliciesRules: the job is added by command:
// test-policies, or by the test-policies input next to any command, and
// never otherwise (the rule GitLab evaluates once the inputs are in).
func TestComponentTestPoliciesRules(t *testing.T) {
	c := readComponent(t)
	rules, _ := c.job(t, "test-policies")["rules"].([]any)
	first, _ := rules[0].(map[string]any)
	cond, _ := first["if"].(string)
	for _, command := range c.inputs["command"].Options {
		for _, flag := range []string{"true", "false"} {
			expr := strings.NewReplacer("$[[ inputs.command ]]", command, "$[[ inputs.test-policies ]]", flag).Replace(cond)
			require.NotContains(t, expr, "$[[", "the rule reads an input this test does not set: %s", cond)
			want := command != "test-policies" && flag != "true"
			require.Equal(t, want, stringsCondition(t, expr), "command %s, test-policies %s: the job is left out: %s", command, flag, expr)
		}
	}
}

// stringsCondition evaluates a rule's if of the form '"a" != "b" && "c" ==
// "d"': string literals compared with == or !=, joined by && (the form of
// the component's rules that read inputs).
func stringsCondition(t *testing.T, expr string) bool {
	t.Helper()
	cmp := regexp.MustCompile(`^\s*"([^"]*)"\s*(==|!=)\s*"([^"]*)"\s*$`)
	result := true
	for _, part := range strings.Split(expr, "&&") {
		m := cmp.FindStringSubmatch(part)
		require.NotNil(t, m, "not a comparison of two strings: %q in %q", part, expr)
		result = result && (m[1] == m[3]) == (m[2] == "==")
	}
	return result
}

// tierdeployLine returns the script line of a component job that runs
// tierdeploy.
func tierdeployLine(t *testing.T, job map[string]any) string {
	t.Helper()
	script, _ := job["script"].([]any)
	var call string
	for _, line := range script {
		if s, _ := line.(string); strings.HasPrefix(s, "tierdeploy ") {
			require.Empty(t, call, "the script runs tierdeploy twice")
			call = s
		}
	}
	require.NotEmpty(t, call, "the script does not run tierdeploy from PATH")
	return call
}

// jobEnv returns a component job's variables as GitLab gives them to the
// script: each $[[ inputs.NAME ]] replaced by the include's value of the
// input, else its default.
func (c component) jobEnv(t *testing.T, job map[string]any, inputs map[string]string) []string {
	t.Helper()
	vars, _ := job["variables"].(map[string]any)
	var env []string
	for name, v := range vars {
		s, ok := v.(string)
		require.True(t, ok, "variable %s is not a string", name)
		s = inputRe.ReplaceAllStringFunc(s, func(m string) string {
			in := inputRe.FindStringSubmatch(m)[1]
			if v, ok := inputs[in]; ok {
				return v
			}
			def, ok := c.inputs[in]
			require.True(t, ok, "variable %s reads the undeclared input %s", name, in)
			return def.Default.(string)
		})
		env = append(env, name+"="+s)
	}
	return env
}

// TestComponentTestPoliciesScript: the job's script runs `tierdeploy
// test-policies` with the include's working directory, configuration,
// environments and tiers, which reach it through the job's variables,
// quoted; checked by running the script line with sh, the release binary on
// PATH and GitLab's variables, on the repository's policy/ directory (the
// reference policy set and its tests) and on repositories whose tests fail
// or do not compile. The job passes only on exit code 0.
func TestComponentTestPoliciesScript(t *testing.T) {
	c := readComponent(t)
	job := c.job(t, "test-policies")
	line := tierdeployLine(t, job)
	require.NotContains(t, line, "$[[", "inputs reach the script through the job's variables only, where the shell does not read them as code")
	fields := strings.Fields(line)
	require.Equal(t, "test-policies", fields[3], "the command, after the global flags: %s", line)
	require.ElementsMatch(t, []string{"tierdeploy", `--chdir="$TIERDEPLOY_WORKING_DIRECTORY"`, `--config="$TIERDEPLOY_CONFIG"`,
		"test-policies", `--environment="$TIERDEPLOY_ENVIRONMENT"`, `--tier="$TIERDEPLOY_TIERS"`,
		`--junit="$CI_PROJECT_DIR/.tierdeploy/policy-tests.xml"`}, fields)
	// The JUnit file is the merge request's test report, kept when a test
	// fails too; artifacts are read relative to the project directory.
	require.Equal(t, map[string]any{"when": "always", "expire_in": "30 days",
		"reports": map[string]any{"junit": ".tierdeploy/policy-tests.xml"}}, job["artifacts"])
	require.Equal(t, map[string]any{
		"TIERDEPLOY_WORKING_DIRECTORY": "$[[ inputs.working-directory ]]",
		"TIERDEPLOY_CONFIG":            "$[[ inputs.config ]]",
		"TIERDEPLOY_ENVIRONMENT":       "$[[ inputs.environment ]]",
		"TIERDEPLOY_TIERS":             "$[[ inputs.tiers ]]",
	}, job["variables"])
	if testing.Short() {
		t.Skip("builds tierdeploy")
	}

	binDir := t.TempDir()
	require.NoError(t, os.Symlink(releaseBinary(t, runtime.GOARCH), filepath.Join(binDir, "tierdeploy")))
	repoRoot, err := filepath.Abs(root)
	require.NoError(t, err)
	const marker = "glpat-SECRET-MARKER-7f3a"

	// run runs the script line in dir as GitLab's shell would, and returns
	// its exit code, standard output and standard error.
	run := func(t *testing.T, dir string, inputs map[string]string) (int, string, string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", "-c", line)
		cmd.Dir = dir
		cmd.Env = append(c.jobEnv(t, job, inputs),
			"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+t.TempDir(),
			"GITLAB_CI=true", "CI_PROJECT_DIR="+dir, "CI_PIPELINE_SOURCE=merge_request_event", "GITLAB_TOKEN="+marker)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		require.NoError(t, ctx.Err(), "the job did not end in time")
		code := 0
		if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		require.NotContains(t, stdout.String()+stderr.String(), marker)
		return code, stdout.String(), stderr.String()
	}
	passed := regexp.MustCompile(`^PASS: ([0-9]+)/([0-9]+)\n$`)
	// count returns the number of tests of a passing run.
	count := func(t *testing.T, stdout string) int {
		t.Helper()
		m := passed.FindStringSubmatch(stdout)
		require.NotNil(t, m, "not a passing run: %q", stdout)
		require.Equal(t, m[1], m[2], "every test passed")
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		return n
	}

	t.Run("reference policies", func(t *testing.T) {
		ref := map[string]string{"config": "tierdeploy.reference.yaml"}
		report := filepath.Join(repoRoot, ".tierdeploy", "policy-tests.xml") // ignored by git
		t.Cleanup(func() { _ = os.Remove(report) })
		code, stdout, stderr := run(t, repoRoot, ref)
		require.Equal(t, 0, code, "stdout: %s\nstderr: %s", stdout, stderr)
		all := count(t, stdout)
		require.GreaterOrEqual(t, all, 20, "the reference policy set's tests")
		tests, failures := junitCounts(t, report)
		require.Equal(t, [2]int{all, 0}, [2]int{tests, failures}, "the JUnit report has every test, passing")

		ref["environment"] = "staging,prod"
		code, stdout, stderr = run(t, repoRoot, ref)
		require.Equal(t, 0, code, stderr)
		require.Equal(t, all, count(t, stdout), "both environments, comma-separated, are every environment")

		ref["environment"], ref["tiers"] = "prod", "project"
		code, stdout, stderr = run(t, repoRoot, ref)
		require.Equal(t, 0, code, stderr)
		project := count(t, stdout)
		require.Positive(t, project)
		require.Less(t, project, all, "the tiers input keeps the project tier's policies (policy/helm) only")

		ref["tiers"] = "infrastructure"
		code, stdout, stderr = run(t, repoRoot, ref)
		require.Equal(t, 0, code, stderr)
		prod := count(t, stdout)
		require.Equal(t, all, prod+project+staticTests(t, "policy/staging"), "prod's infrastructure policies leave out policy/staging")
	})

	// repo writes a repository whose tierdeploy.yaml, in sub, gives the
	// infrastructure tier policy/terraform of this repository, plus files.
	repo := func(t *testing.T, sub string, files map[string]string) string {
		t.Helper()
		dir := t.TempDir()
		cfgDir := filepath.Join(dir, sub)
		require.NoError(t, os.MkdirAll(filepath.Join(cfgDir, "infra"), 0o755))
		require.NoError(t, os.CopyFS(filepath.Join(cfgDir, "policy", "terraform"), os.DirFS(filepath.Join(repoRoot, "policy", "terraform"))))
		require.NoError(t, os.WriteFile(filepath.Join(cfgDir, "tierdeploy.yaml"), []byte(`version: 1
inventory:
  store: file
environments:
  - name: staging
tiers:
  - name: infrastructure
    terraform:
      dir: infra
    publishes_inventory: true
    policies: [policy/terraform]
`), 0o644))
		for name, body := range files {
			p := filepath.Join(cfgDir, filepath.FromSlash(name))
			old, err := os.ReadFile(p)
			if err != nil {
				require.ErrorIs(t, err, os.ErrNotExist)
			}
			require.NoError(t, os.WriteFile(p, append(old, body...), 0o644))
		}
		return dir
	}

	tests := []struct {
		name   string
		sub    string
		files  map[string]string
		inputs map[string]string
		code   int
		stdout string
		stderr string
	}{
		{name: "working-directory", sub: "deploy", inputs: map[string]string{"working-directory": "deploy"},
			code: 0, stdout: "PASS: "},
		{name: "a test fails", files: map[string]string{
			"policy/terraform/s3_test.rego": "\ntest_fails_on_purpose if {\n\t1 == 2\n}\n",
		}, code: 1, stdout: "policy/terraform/s3_test.rego:", stderr: "policy tests failed"},
		{name: "a policy does not compile", files: map[string]string{
			"policy/terraform/broken.rego": "package terraform.broken\n\ndeny contains msg if {\n",
		}, code: 3, stderr: "policy/terraform/broken.rego:4"},
		// The job's environment holds GITLAB_TOKEN and cloud credentials
		// of the include's other jobs' kind: a test cannot read it.
		{name: "a test reads the job's token", files: map[string]string{
			"policy/terraform/s3_test.rego": "\ntest_env if {\n\tprint(opa.runtime().env.GITLAB_TOKEN)\n}\n",
		}, code: 3, stderr: "policy/terraform/s3_test.rego:53:8: rego_type_error: unsafe built-in function calls in expression: opa.runtime"},
		{name: "an unknown tier", inputs: map[string]string{"tiers": "infrastructure,nowhere"},
			code: 3, stderr: `tier "nowhere"`},
		{name: "a configuration without policies", inputs: map[string]string{"config": "none.yaml"},
			files: map[string]string{"none.yaml": "version: 1\ninventory:\n  store: file\nenvironments:\n  - name: staging\n" +
				"tiers:\n  - name: infrastructure\n    terraform:\n      dir: infra\n"},
			code: 3, stderr: "no tier of none.yaml has policies"},
		{name: "shell in the environment input", inputs: map[string]string{"environment": "$(touch pwned) `touch pwned`; touch pwned"},
			code: 3, stderr: "is not in the configuration"},
		{name: "a flag in the tiers input", inputs: map[string]string{"tiers": "infrastructure --run=nothing"},
			code: 3, stderr: `tier "infrastructure --run=nothing"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := repo(t, tt.sub, tt.files)
			code, stdout, stderr := run(t, dir, tt.inputs)
			require.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout, stderr)
			require.Contains(t, stdout, tt.stdout)
			require.Contains(t, stderr, tt.stderr)
			require.NoFileExists(t, filepath.Join(dir, "pwned"), "an input ran as shell code")
			report := filepath.Join(dir, ".tierdeploy", "policy-tests.xml")
			if tt.code == 3 {
				require.Equal(t, 1, strings.Count(stderr, "tierdeploy: "), "one clear error: %s", stderr)
				require.NoFileExists(t, report, "no test ran")
			} else {
				_, failures := junitCounts(t, report)
				require.Equal(t, tt.code, min(failures, 1), "the JUnit report is written whether tests pass or fail")
			}
		})
	}
}

// junitCounts reads the JUnit report at path: its tests and failures.
func junitCounts(t *testing.T, path string) (tests, failures int) {
	t.Helper()
	doc, err := os.ReadFile(path)
	require.NoError(t, err, "the JUnit report")
	var rep struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(doc, &rep))
	return rep.Tests, rep.Failures
}

// staticTests counts the test_ rules of the *_test.rego files of a
// directory of the repository.
func staticTests(t *testing.T, dir string) int {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(dir), "*_test.rego"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	n := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		n += len(regexp.MustCompile(`(?m)^test_\w+`).FindAll(b, -1))
	}
	return n
}

// TestPolicyTestsExampleIsTheTestedFile: the complete policy tests' job of
// templates/README.md and of the README's Policies section is, byte for
// byte, examples/gitlab/policies.gitlab-ci.yml, which scripts/check-ci.sh
// merges, lists and runs.
func TestPolicyTestsExampleIsTheTestedFile(t *testing.T) {
	want := fileBody(t, "examples/gitlab/policies.gitlab-ci.yml", "")
	require.Contains(t, fencedBlocks(t, string(readFile(t, "templates/README.md")), "## Policy tests", "## Outputs and reports", "yaml"), want,
		"templates/README.md's policy tests' job is not examples/gitlab/policies.gitlab-ci.yml")
	require.Contains(t, fencedBlocks(t, string(readFile(t, "README.md")), "### Rego policies", "### External checkers", "yaml"), want,
		"README.md's policy tests' job is not examples/gitlab/policies.gitlab-ci.yml")
	require.Contains(t, want, "test-policies: true")
	require.Contains(t, want, "\ntierdeploy-test-policies:\n")
}

// TestDocumentedIncludesAreValid: every include of the component that the
// docs, the examples and the tested pipelines show gives only declared
// inputs, with values of their type, among their options and matching
// their regex; and every job they define next to it to merge into the
// component's is a job that include adds (a misspelt or absent job would
// be a new job of its own, without script).
func TestDocumentedIncludesAreValid(t *testing.T) {
	c := readComponent(t)
	var docs []struct{ where, yaml string }
	for _, md := range []string{"README.md", "templates/README.md"} {
		for i, b := range fencedBlocks(t, string(readFile(t, md)), "# ", "", "yaml") {
			docs = append(docs, struct{ where, yaml string }{md + " block " + strconv.Itoa(i+1), b})
		}
	}
	for _, f := range []string{"examples/gitlab/.gitlab-ci.yml", "examples/gitlab/policies.gitlab-ci.yml",
		"test/ship/testdata/component.gitlab-ci.yml", ".gitlab-ci.yml"} {
		docs = append(docs, struct{ where, yaml string }{f, string(readFile(t, f))})
	}
	includes, policyJobs := 0, 0
	for _, d := range docs {
		var top map[string]any
		if yaml.Unmarshal([]byte(d.yaml), &top) != nil || top == nil {
			continue // a fragment of a GitHub workflow, say
		}
		added := map[string]bool{}
		list, _ := top["include"].([]any)
		for _, item := range list {
			inc, _ := item.(map[string]any)
			comp, _ := inc["component"].(string)
			if !strings.Contains(comp, "/tierdeploy@") {
				continue
			}
			includes++
			inputs, _ := inc["inputs"].(map[string]any)
			for name, v := range inputs {
				in, ok := c.inputs[name]
				require.True(t, ok, "%s: the input %s is not declared", d.where, name)
				switch in.Type {
				case "boolean":
					require.IsType(t, true, v, "%s: %s is a boolean", d.where, name)
				case "array":
					require.IsType(t, []any{}, v, "%s: %s is a list of rules", d.where, name)
				default:
					s, ok := v.(string)
					require.True(t, ok, "%s: %s is a string, not %T (quote it)", d.where, name, v)
					if in.Options != nil {
						require.Contains(t, in.Options, s, "%s: %s", d.where, name)
					}
					if in.Regex != "" {
						require.Regexp(t, in.Regex, s, "%s: %s", d.where, name)
					}
				}
			}
			prefix, command := str(inputs["job-prefix"], "tierdeploy"), str(inputs["command"], "all")
			tests, _ := inputs["test-policies"].(bool)
			for _, job := range []string{"plan", "apply", "drift"} {
				if command == "all" || command == job {
					added[prefix+"-"+job] = true
				}
			}
			if command == "test-policies" || tests {
				added[prefix+"-test-policies"] = true
				policyJobs++
			}
		}
		if len(list) == 0 {
			continue // a job shown alone, for the include of another block
		}
		for key, v := range top {
			job, ok := v.(map[string]any)
			if !ok || strings.HasPrefix(key, ".") || slices.Contains([]string{"include", "stages", "variables", "workflow", "default"}, key) {
				continue
			}
			if _, own := job["script"]; own {
				continue // a job of the pipeline's own
			}
			require.True(t, added[key], "%s: %s is not a job of the component's includes there (%v)", d.where, key, slices.Sorted(maps.Keys(added)))
		}
	}
	t.Logf("%d includes, %d with policy tests", includes, policyJobs)
	require.GreaterOrEqual(t, includes, 10, "the includes found")
	require.GreaterOrEqual(t, policyJobs, 6, "the includes with policy tests found")
}

// str returns v if it is a non-empty string, else def.
func str(v any, def string) string {
	if s, _ := v.(string); s != "" {
		return s
	}
	return def
}

// TestGitHubPolicyTestsExample: examples/github/policies.yml runs the
// policy tests on pull requests and pushes to main with a read-only token,
// and examples/github/README.md lists it.
func TestGitHubPolicyTestsExample(t *testing.T) {
	const file = "examples/github/policies.yml"
	w := readWorkflow(t, file)
	require.Contains(t, w.On, "pull_request")
	push, _ := w.On["push"].(map[string]any)
	require.Equal(t, []any{"main"}, push["branches"])
	var perms struct {
		Permissions map[string]string `yaml:"permissions"`
	}
	require.NoError(t, yamlUnmarshal(readFile(t, file), &perms))
	require.Equal(t, map[string]string{"contents": "read"}, perms.Permissions, "the tests write nothing")
	s := w.Jobs["test-policies"].Steps[w.stepIndex(t, "test-policies", "./")]
	require.Equal(t, map[string]any{"command": "test-policies", "junit": "policy-tests.xml"}, s.With)
	require.Contains(t, string(readFile(t, "examples/github/README.md")), "[policies.yml](policies.yml)")
}
