package app

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
)

// fakeTools finds a fixed binary and builds stages with function fields.
type fakeTools struct {
	bin          deploy.Binary
	newTerraform func(deploy.TerraformSpec) (deploy.TerraformStage, error)
	newHelm      func(deploy.HelmSpec) (deploy.HelmStage, error)
}

func (f fakeTools) FindTerraform(context.Context, deploy.BinaryRequest) (deploy.Binary, error) {
	return f.bin, nil
}

func (f fakeTools) SelectTerraform(context.Context, deploy.BinaryRequest) (deploy.Binary, error) {
	return f.bin, nil
}

func (f fakeTools) NewTerraform(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
	return f.newTerraform(spec)
}

func (f fakeTools) NewHelm(_ context.Context, spec deploy.HelmSpec) (deploy.HelmStage, error) {
	if f.newHelm == nil {
		return nil, deploy.ErrNoHelm
	}
	return f.newHelm(spec)
}

// runCLI runs the command line and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), Deps{
		Args:   args,
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(string) string { return "" },
		Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools:  fakeTools{bin: deploy.Binary{Path: "/opt/bin/tofu", Version: "OpenTofu v1.10.10"}},
	})
	return code, stdout.String(), stderr.String()
}

const repoConfig = `version: 1
environments:
  - name: staging
  - name: prod
tiers:
  - name: infrastructure
    paths: ["infra/**"]
    terraform:
      dir: infra/envs/{environment}
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    paths: ["project/**"]
    helm:
      - release: app
        chart: project/chart
        values: ["project/values/{environment}.yaml"]
`

func newRepo(t *testing.T) *gittest.Repo {
	t.Helper()
	r := gittest.New(t)
	r.Write(map[string]string{
		"tierdeploy.yaml":             repoConfig,
		"infra/envs/staging/main.tf":  `module "p" { source = "../../../modules/platform" }`,
		"infra/envs/staging/vars.tf":  "variable \"x\" {}\n",
		"infra/envs/prod/main.tf":     `module "p" { source = "../../../modules/platform" }`,
		"modules/platform/main.tf":    "resource \"terraform_data\" \"x\" {}\n",
		"modules/platform/outputs.tf": strings.Repeat("# outputs of the platform module, long enough to be seen as renamed\n", 10),
		"project/chart/Chart.yaml":    "apiVersion: v2\nname: app\nversion: 0.1.0\n",
		"project/values/staging.yaml": "a: 1\n",
		"project/values/prod.yaml":    "a: 2\n",
		"README.md":                   "hello\n",
	})
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "change")
	return r
}

type detectJSON struct {
	Stacks []struct {
		Tier        string   `json:"tier"`
		Environment string   `json:"environment"`
		Reasons     []string `json:"reasons"`
	} `json:"stacks"`
	Matrix struct {
		Include []map[string]string `json:"include"`
	} `json:"matrix"`
}

func detectStacks(t *testing.T, dir string, extra ...string) map[string][]string {
	t.Helper()
	args := append([]string{"--chdir", dir, "detect", "--base", "main", "--head", "HEAD", "--format", "json"}, extra...)
	code, out, stderr := runCLI(t, args...)
	require.Equal(t, 0, code, stderr)
	var got detectJSON
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	res := map[string][]string{}
	for i, s := range got.Stacks {
		res[s.Tier+"/"+s.Environment] = s.Reasons
		require.Equal(t, map[string]string{"tier": s.Tier, "environment": s.Environment}, got.Matrix.Include[i])
	}
	return res
}

func TestDetectOnRealRepositories(t *testing.T) {
	const inv = "needs infrastructure (inventory may change)"
	tests := []struct {
		name   string
		change func(r *gittest.Repo)
		want   map[string][]string
	}{
		{name: "no relevant change", change: func(r *gittest.Repo) {
			r.Write(map[string]string{"README.md": "changed\n"})
		}, want: map[string][]string{}},
		{name: "module outside the tier folders", change: func(r *gittest.Repo) {
			r.Write(map[string]string{"modules/platform/main.tf": "resource \"terraform_data\" \"y\" {}\n"})
		}, want: map[string][]string{
			"infrastructure/staging": {"modules/platform/main.tf"},
			"infrastructure/prod":    {"modules/platform/main.tf"},
			"project/staging":        {inv},
			"project/prod":           {inv},
		}},
		{name: "environment-specific values", change: func(r *gittest.Repo) {
			r.Write(map[string]string{"project/values/prod.yaml": "a: 3\n"})
		}, want: map[string][]string{"project/prod": {"project/values/prod.yaml"}}},
		{name: "deletion", change: func(r *gittest.Repo) {
			r.Git("rm", "-q", "infra/envs/staging/vars.tf")
		}, want: map[string][]string{
			"infrastructure/staging": {"infra/envs/staging/vars.tf"},
			"project/staging":        {inv},
		}},
		{name: "rename across tiers counts both paths", change: func(r *gittest.Repo) {
			r.Git("mv", "modules/platform/outputs.tf", "project/outputs.tf")
		}, want: map[string][]string{
			"infrastructure/staging": {"modules/platform/outputs.tf"},
			"infrastructure/prod":    {"modules/platform/outputs.tf"},
			"project/staging":        {"project/outputs.tf", inv},
			"project/prod":           {"project/outputs.tf", inv},
		}},
		{name: "configuration change", change: func(r *gittest.Repo) {
			r.Write(map[string]string{"tierdeploy.yaml": repoConfig + "# a comment\n"})
		}, want: map[string][]string{
			"infrastructure/staging": {"tierdeploy.yaml"},
			"infrastructure/prod":    {"tierdeploy.yaml"},
			"project/staging":        {"tierdeploy.yaml", inv},
			"project/prod":           {"tierdeploy.yaml", inv},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRepo(t)
			tt.change(r)
			r.Commit(tt.name)
			require.Equal(t, tt.want, detectStacks(t, r.Dir))
		})
	}
}

func TestDetectConfigInSubdirectory(t *testing.T) {
	r := gittest.New(t)
	r.Write(map[string]string{
		"deploy/tierdeploy.yaml": "version: 1\ntiers:\n  - name: infra\n    terraform: {dir: tf}\n",
		"deploy/tf/main.tf":      "",
		"tf/main.tf":             "", // same name at the top level: not this tier
	})
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "change")
	r.Write(map[string]string{"tf/main.tf": "# top level\n"})
	r.Commit("top-level change")
	require.Equal(t, map[string][]string{}, detectStacks(t, filepath.Join(r.Dir, "deploy")))
	r.Write(map[string]string{"deploy/tf/main.tf": "# tier change\n"})
	r.Commit("tier change")
	require.Equal(t, map[string][]string{"infra/default": {"tf/main.tf"}}, detectStacks(t, filepath.Join(r.Dir, "deploy")))
}

func TestDetectDefaultsLocally(t *testing.T) {
	r := newRepo(t)
	r.Write(map[string]string{"project/values/staging.yaml": "uncommitted: true\n"})
	// No --base: the default branch; no --head: the working tree.
	code, out, stderr := runCLI(t, "--chdir", r.Dir, "detect")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "1 stack(s) affected (1 changed path(s) between main and working tree):\n  project/staging\n      project/values/staging.yaml\n", out)
}

func TestDetectShallowClone(t *testing.T) {
	r := newRepo(t)
	r.Write(map[string]string{"README.md": "1\n"})
	r.Commit("one")
	r.Write(map[string]string{"README.md": "2\n"})
	r.Commit("two")
	base := r.Git("rev-parse", "main")
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Run(t, t.TempDir(), "clone", "-q", "--depth", "1", "--branch", "change", "file://"+r.Dir, clone)

	code, _, stderr := runCLI(t, "--chdir", clone, "detect", "--base", base)
	require.Equal(t, ExitInput, code)
	require.Contains(t, stderr, "the git history is too shallow")
	require.Contains(t, stderr, "fetch-depth: 0")
	require.Equal(t, 1, strings.Count(strings.TrimSpace(stderr), "\n")+1-strings.Count(stderr, "level=INFO"), "one error line: %s", stderr)

	// --all needs no history.
	code, out, stderr := runCLI(t, "--chdir", clone, "detect", "--all", "--format", "json")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, `"reasons": [`)
}

func TestValidate(t *testing.T) {
	r := newRepo(t)
	code, out, _ := runCLI(t, "validate", "--chdir", r.Dir)
	require.Equal(t, 0, code)
	require.Equal(t, "tierdeploy.yaml is valid: 2 tier(s) (infrastructure, project), 2 environment(s) (staging, prod), inventory store file\n", out)

	r.Write(map[string]string{"bad.yaml": strings.Replace(repoConfig, "needs: [infrastructure]", "needs: [infra]", 1)})
	code, _, stderr := runCLI(t, "--chdir", r.Dir, "validate", "--config", "bad.yaml")
	require.Equal(t, ExitInput, code)
	require.Equal(t, "tierdeploy: bad.yaml:12:13: tiers[1].needs[0]: tier \"infra\" is not defined (did you mean \"infrastructure\"?)\n", stderr)

	code, _, stderr = runCLI(t, "--chdir", r.Dir, "validate", "--config", "missing.yaml")
	require.Equal(t, ExitInput, code)
	require.Contains(t, stderr, "missing.yaml: configuration file not found (create it, or pass --config or --chdir)")
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{name: "no command", args: nil, code: ExitInput, stderr: "tierdeploy: no command given"},
		{name: "unknown command", args: []string{"deploy"}, code: ExitInput, stderr: `unknown command "deploy" (commands: validate, detect, plan, apply, drift, inventory, tools, version)`},
		{name: "help", args: []string{"help"}, code: 0, stdout: "Usage: tierdeploy [global flags] <command> [flags]"},
		{name: "command help", args: []string{"detect", "-h"}, code: 0, stdout: "-format format"},
		{name: "bad flag", args: []string{"detect", "--colour"}, code: ExitInput, stderr: "detect: flag provided but not defined: -colour (see tierdeploy detect -h)"},
		{name: "positional argument", args: []string{"validate", "extra"}, code: ExitInput, stderr: `validate: unexpected argument "extra"`},
		{name: "bad platform", args: []string{"--platform", "jenkins", "version"}, code: ExitInput, stderr: `--platform must be auto, local, github or gitlab, not "jenkins"`},
		{name: "bad format", args: []string{"--chdir", ".", "detect", "--all", "--format", "yaml"}, code: ExitInput, stderr: `--format must be text or json, not "yaml"`},
		{name: "version", args: []string{"version"}, code: 0, stdout: "terraform: OpenTofu v1.10.10 at /opt/bin/tofu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			require.Equal(t, tt.code, code, "stderr: %s", stderr)
			require.Contains(t, stdout, tt.stdout)
			require.Contains(t, stderr, tt.stderr)
		})
	}
}
