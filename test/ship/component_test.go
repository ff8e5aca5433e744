package ship

import (
	"bytes"
	"io"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/tierdeploy/tierdeploy/internal/release"
	"github.com/tierdeploy/tierdeploy/internal/runner"
)

// componentFile is the GitLab CI/CD component.
const componentFile = "templates/tierdeploy.yml"

// componentInput is one input of the component's spec.
type componentInput struct {
	Description string   `yaml:"description"`
	Type        string   `yaml:"type"`
	Default     any      `yaml:"default"`
	Options     []string `yaml:"options"`
	Regex       string   `yaml:"regex"`
}

// component is the component's two YAML documents: the spec header and the
// jobs, the latter as text (it holds $[[ ]] blocks) and decoded.
type component struct {
	inputs map[string]componentInput
	body   string
	jobs   map[string]map[string]any
}

func readComponent(t *testing.T) component {
	t.Helper()
	raw := readFile(t, componentFile)
	_, body, ok := bytes.Cut(raw, []byte("\n---\n"))
	require.True(t, ok, "%s: no --- between the spec and the jobs", componentFile)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	var spec struct {
		Spec struct {
			Inputs map[string]componentInput `yaml:"inputs"`
		} `yaml:"spec"`
	}
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&spec))
	jobs := map[string]map[string]any{}
	require.NoError(t, dec.Decode(&jobs))
	var extra any
	require.ErrorIs(t, dec.Decode(&extra), io.EOF, "%s holds more than two documents", componentFile)
	return component{inputs: spec.Spec.Inputs, body: string(body), jobs: jobs}
}

// job returns the job whose name is prefix-name with the default prefix.
func (c component) job(t *testing.T, name string) map[string]any {
	t.Helper()
	j, ok := c.jobs["$[[ inputs.job-prefix ]]-"+name]
	require.True(t, ok, "%s has no %s job (jobs: %v)", componentFile, name, slices.Sorted(maps.Keys(c.jobs)))
	return j
}

// inputRe finds the inputs the jobs interpolate.
var inputRe = regexp.MustCompile(`\$\[\[\s*inputs\.([\w-]+)\s*(?:\|[^\]]*)?\]\]`)

func TestComponentInputs(t *testing.T) {
	c := readComponent(t)
	used := map[string]bool{}
	for _, m := range inputRe.FindAllStringSubmatch(c.body, -1) {
		used[m[1]] = true
	}
	declared := slices.Sorted(maps.Keys(c.inputs))
	require.Equal(t, declared, slices.Sorted(maps.Keys(used)), "every input is used and every used input declared")
	for _, want := range []string{"stage", "config", "environment", "command", "image", "image-version",
		"output-prefix", "plan-rules", "apply-rules", "drift-rules", "test-policies", "test-policies-rules"} {
		require.Contains(t, declared, want)
	}
	for name, in := range c.inputs {
		require.NotEmpty(t, strings.TrimSpace(in.Description), "input %s has no description", name)
		require.NotNil(t, in.Default, "input %s has no default, so every include must set it", name)
		if in.Regex != "" {
			_, err := regexp.Compile(in.Regex)
			require.NoError(t, err, "input %s", name)
		}
	}
	require.Equal(t, []string{"all", "plan", "apply", "drift", "test-policies"}, c.inputs["command"].Options)
	require.Equal(t, "all", c.inputs["command"].Default)
	for _, name := range []string{"plan-rules", "apply-rules", "drift-rules", "test-policies-rules"} {
		require.Equal(t, "array", c.inputs[name].Type, name)
	}
	// The policy tests' job is asked for: an include without policies keeps
	// the three jobs it had (the command exits 3 when no tier has policies).
	require.Equal(t, "boolean", c.inputs["test-policies"].Type)
	require.Equal(t, false, c.inputs["test-policies"].Default)
	require.Equal(t, []any{
		map[string]any{"if": `$CI_PIPELINE_SOURCE == "merge_request_event"`},
		map[string]any{"if": `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"`},
	}, c.inputs["test-policies-rules"].Default, "policy tests run in merge requests and on the default branch")
}

func TestComponentJobs(t *testing.T) {
	c := readComponent(t)
	for _, name := range []string{"plan", "apply", "drift", "test-policies"} {
		t.Run(name, func(t *testing.T) {
			j := c.job(t, name)
			image, _ := j["image"].(map[string]any)
			require.Equal(t, []any{""}, image["entrypoint"], "the image's entrypoint is tierdeploy; GitLab needs it reset to run the script")
			require.Equal(t, "$[[ inputs.image ]]:$[[ inputs.image-version ]]", image["name"])
			require.Equal(t, "$[[ inputs.stage ]]", j["stage"])

			script, _ := j["script"].([]any)
			var call string
			for _, line := range script {
				if s, _ := line.(string); strings.HasPrefix(s, "tierdeploy ") {
					call = s
				}
			}
			require.NotEmpty(t, call, "the script does not run tierdeploy from PATH")
			require.Contains(t, strings.Fields(call), name, "the %s job runs another command: %s", name, call)

			rules, _ := j["rules"].([]any)
			require.Len(t, rules, 2, "a rule for the command input, then the rules input")
			require.Equal(t, "$[[ inputs."+name+"-rules ]]", rules[1])
			first, _ := rules[0].(map[string]any)
			require.Equal(t, "never", first["when"])
			require.Contains(t, first["if"], `"`+name+`"`)

			if name == "test-policies" {
				// It writes no outputs, no report and no Terraform
				// report, and downloads no provider: its only artifact
				// is the JUnit report of the tests
				// (TestComponentTestPoliciesScript).
				for _, key := range []string{"cache", "resource_group", "allow_failure"} {
					require.NotContains(t, j, key, "the test-policies job")
				}
				artifacts, _ := j["artifacts"].(map[string]any)
				require.Equal(t, map[string]any{"junit": ".tierdeploy/policy-tests.xml"}, artifacts["reports"], "the test-policies job's only report")
				require.NotContains(t, artifacts, "paths", "the test-policies job")
				return
			}
			artifacts, _ := j["artifacts"].(map[string]any)
			reports, _ := artifacts["reports"].(map[string]any)
			require.Equal(t, ".tierdeploy/outputs.env", reports["dotenv"], "where tierdeploy writes its outputs on GitLab")
			require.Equal(t, "always", artifacts["when"], "keep the report of a failed job too")
		})
	}
	require.Equal(t, "$[[ inputs.job-prefix ]]", c.job(t, "apply")["resource_group"], "one apply at a time")
	require.Equal(t, c.job(t, "apply")["resource_group"], c.job(t, "drift")["resource_group"], "no drift check during an apply")
	for _, name := range []string{"plan", "drift"} {
		af, _ := c.job(t, name)["allow_failure"].(map[string]any)
		require.Equal(t, []any{2}, af["exit_codes"], "%s: exit code 2 (changes, drift) is a warning, not a failure", name)
	}
	require.NotContains(t, c.job(t, "apply"), "allow_failure")
}

// TestComponentDefaultImageIsItsRelease: the component runs the image of its
// own release unless told otherwise, never a moving tag; the release
// pipelines refuse a tag whose component names another version
// (release.CheckComponentVersion, which `cmd/release env --component` runs).
func TestComponentDefaultImageIsItsRelease(t *testing.T) {
	src := readFile(t, componentFile)
	def, err := release.ComponentVersion(componentFile, src)
	require.NoError(t, err)
	v, err := release.ParseVersion(def)
	require.NoError(t, err, "the default image-version must be a release version, not %q", def)
	require.NoError(t, release.CheckComponentVersion(componentFile, src, v))
	require.Equal(t, def, readComponent(t).inputs["image-version"].Default, "a string, quoted")
	require.NotContains(t, []string{"latest", "main", ""}, def)
}

// TestComponentOutputPrefix: the output-prefix input reaches tierdeploy as
// TIERDEPLOY_OUTPUT_PREFIX, defaults to the runner's own prefix, and its
// regex lets through only what the dotenv writer accepts.
func TestComponentOutputPrefix(t *testing.T) {
	c := readComponent(t)
	in := c.inputs["output-prefix"]
	require.Equal(t, runner.DefaultOutputPrefix, in.Default)
	require.Contains(t, c.body, "    "+runner.OutputPrefixVar+": $[[ inputs.output-prefix ]]\n")
	re := regexp.MustCompile(in.Regex)
	for value, ok := range map[string]bool{
		"TIERDEPLOY_": true, "PROD_": true, "staging_": true, "_": true, "A" + strings.Repeat("B", 63): true,
		"": false, "1_": false, "A-B_": false, "A B": false, "A\nB": false, "$(id)": false, "ÄRGER_": false,
		"A=B": false, "A" + strings.Repeat("B", 64): false,
	} {
		require.Equal(t, ok, re.MatchString(value), "output-prefix %q", value)
		// The dotenv writer agrees with the regex.
		path := filepath.Join(t.TempDir(), "outputs.env")
		g := runner.NewGitLab(runner.GitLabOptions{Stdout: io.Discard, DotenvPath: path,
			Getenv: func(k string) string {
				if k == runner.OutputPrefixVar {
					return value
				}
				return ""
			}})
		err := g.SetOutput("has-changes", "true")
		if value == "" {
			require.NoError(t, err, "no prefix set is the default prefix")
			continue
		}
		require.Equal(t, ok, err == nil, "output-prefix %q: the writer says %v", value, err)
	}
}

func TestComponentDocumented(t *testing.T) {
	c := readComponent(t)
	doc := string(readFile(t, "templates/README.md"))
	var missing []string
	for name := range c.inputs {
		if !strings.Contains(doc, "`"+name+"`") {
			missing = append(missing, name)
		}
	}
	require.Empty(t, missing, "templates/README.md does not describe these inputs")
	require.Contains(t, doc, "GITLAB_TOKEN", "templates/README.md does not say which token the jobs need")
}
