package ship

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/runner"
)

// action is what the tests read of action.yml.
type action struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Author      string `yaml:"author"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
	} `yaml:"outputs"`
	Runs struct {
		Using string   `yaml:"using"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) action {
	t.Helper()
	return readActionBytes(t, readFile(t, "action.yml"))
}

// readActionBytes decodes action metadata, refusing unknown keys.
func readActionBytes(t *testing.T, b []byte) action {
	t.Helper()
	var a action
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&a))
	return a
}

func TestActionMetadata(t *testing.T) {
	a := readAction(t)
	require.Equal(t, "docker", a.Runs.Using)
	require.Equal(t, "Dockerfile", a.Runs.Image, "on the default branch the image is built from the Dockerfile; the release pins it (TestReleasePinsTheAction)")
	require.NotEmpty(t, a.Name)
	require.NotEmpty(t, a.Description)
	require.NotEmpty(t, a.Branding.Icon)
	require.NotEmpty(t, a.Branding.Color)

	require.ElementsMatch(t, []string{"command", "config", "environment", "tiers", "github-token",
		"detailed-exitcode", "parallelism", "require-reviewed", "working-directory", "tool-mirror", "offline", "kube-context", "junit"}, slices.Collect(maps.Keys(a.Inputs)))
	for name, in := range a.Inputs {
		require.NotEmpty(t, strings.TrimSpace(in.Description), "input %s has no description", name)
		require.False(t, in.Required, "input %s: every input has a default", name)
		require.NotNil(t, in.Default, "input %s has no default", name)
	}
	require.Equal(t, "${{ github.token }}", *a.Inputs["github-token"].Default)
	require.Equal(t, "plan", *a.Inputs["command"].Default)
}

func TestActionOutputs(t *testing.T) {
	a := readAction(t)
	want := []string{runner.OutputStacks, runner.OutputMatrix, runner.OutputHasChanges,
		runner.OutputReportPath, runner.OutputExitCode, "drift"}
	require.ElementsMatch(t, want, slices.Collect(maps.Keys(a.Outputs)))
	for name, out := range a.Outputs {
		require.NotEmpty(t, strings.TrimSpace(out.Description), "output %s has no description", name)
	}
}

// TestActionArgsReachTheCLI expands runs.args for each command with default
// and with set inputs, and gives the result to the command line with -h
// appended: flag parsing then fails on a flag the command does not take or a
// bad value, and succeeds without running anything otherwise.
func TestActionArgsReachTheCLI(t *testing.T) {
	a := readAction(t)
	defaults := map[string]string{}
	for name, in := range a.Inputs {
		defaults[name] = *in.Default
	}
	for _, arg := range a.Runs.Args {
		require.NotContains(t, arg, "github-token", "the token must not show in the step's command line")
	}
	set := map[string]string{
		"config": "tierdeploy.yaml", "environment": "staging,prod", "tiers": "infrastructure",
		"detailed-exitcode": "true", "parallelism": "3", "require-reviewed": "true", "working-directory": "deploy",
		"tool-mirror": "https://mirror.example/releases", "offline": "true", "kube-context": "platform/agents:meltano-staging",
		"junit": ".tierdeploy/policy-tests.xml",
	}
	commands := cliCommands(t)
	for _, command := range []string{"plan", "apply", "drift", "detect", "test-policies"} {
		for _, inputsName := range []string{"defaults", "set"} {
			t.Run(command+"/"+inputsName, func(t *testing.T) {
				inputs := maps.Clone(defaults)
				if inputsName == "set" {
					maps.Copy(inputs, set)
				}
				inputs["command"] = command
				var args []string
				for _, arg := range a.Runs.Args {
					v, err := expand(arg, inputs)
					require.NoError(t, err)
					require.NotEmpty(t, v, "arg %q is empty, which the command line takes for a stray argument", arg)
					args = append(args, v)
				}
				require.Contains(t, args, command)
				if inputsName == "set" {
					for _, want := range []string{"--config=tierdeploy.yaml", "--environment=staging,prod", "--tier=infrastructure", "--chdir=deploy",
						"--tool-mirror=https://mirror.example/releases", "--offline=true"} {
						require.Contains(t, args, want)
					}
					if command == "plan" {
						require.Contains(t, args, "--detailed-exitcode=true")
					}
					if command == "apply" {
						require.Contains(t, args, "--require-reviewed=true")
					}
					if command == "test-policies" {
						require.Contains(t, args, "--junit=.tierdeploy/policy-tests.xml")
					} else {
						require.NotContains(t, strings.Join(args, " "), "--junit", "%s takes no --junit", command)
					}
					if command != "detect" && command != "test-policies" {
						require.Contains(t, args, "--parallelism=3")
						require.Contains(t, args, "--kube-context=platform/agents:meltano-staging")
					} else {
						require.NotContains(t, strings.Join(args, " "), "--parallelism", "%s takes no --parallelism", command)
						require.NotContains(t, strings.Join(args, " "), "--kube-context", "%s takes no --kube-context", command)
					}
				}
				if !slices.Contains(commands, command) {
					t.Skipf("the command line has no %s command yet; its flags are not checked", command)
				}
				var stdout, stderr bytes.Buffer
				code := app.Main(t.Context(), app.Deps{
					Args:   append(args, "-h"),
					Stdout: &stdout,
					Stderr: &stderr,
					Getenv: func(string) string { return "" },
				})
				require.Equal(t, app.ExitOK, code, "tierdeploy %s: %s", strings.Join(args, " "), stderr.String())
			})
		}
	}
}

// cliCommands returns the commands `tierdeploy help` lists.
func cliCommands(t *testing.T) []string {
	t.Helper()
	var stdout bytes.Buffer
	code := app.Main(t.Context(), app.Deps{Args: []string{"help"}, Stdout: &stdout, Stderr: &stdout,
		Getenv: func(string) string { return "" }})
	require.Equal(t, app.ExitOK, code, stdout.String())
	var out []string
	inCommands := false
	for line := range strings.Lines(stdout.String()) {
		switch {
		case strings.HasPrefix(line, "Commands:"):
			inCommands = true
		case inCommands && strings.HasPrefix(line, "  "):
			out = append(out, strings.Fields(line)[0])
		case inCommands:
			inCommands = false
		}
	}
	require.NotEmpty(t, out, "tierdeploy help lists no command")
	return out
}

func TestExpand(t *testing.T) {
	inputs := map[string]string{"command": "plan", "n": "", "x": "4"}
	for expr, want := range map[string]string{
		"--a=${{ inputs.x }}":                                               "--a=4",
		"${{ inputs.command == 'plan' && 'y' || 'n' }}":                     "y",
		"${{ inputs.command == 'apply' && 'y' || 'n' }}":                    "n",
		"${{ inputs.n != '' && format('--p={0}', inputs.n) || 'none' }}":    "none",
		"${{ inputs.x != '' && format('--p={0}', inputs.x) || 'none' }}":    "--p=4",
		"${{ (inputs.command == 'PLAN' || inputs.n == 'z') && 'y' || '' }}": "y",
	} {
		got, err := expand(expr, inputs)
		require.NoError(t, err, expr)
		require.Equal(t, want, got, expr)
	}
	_, err := expand("${{ inputs.missing }}", inputs)
	require.Error(t, err)
}

func TestActionDocumented(t *testing.T) {
	a := readAction(t)
	doc := string(readFile(t, "examples/github/README.md"))
	for _, name := range slices.Concat(slices.Collect(maps.Keys(a.Inputs)), slices.Collect(maps.Keys(a.Outputs))) {
		require.Contains(t, doc, "| `"+name+"` |", "examples/github/README.md does not describe %s", name)
	}
}
