package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fakeStage is a Terraform stage with function fields.
type fakeStage struct {
	plan  func(ctx context.Context, refreshOnly bool) (plan.Result, error)
	apply func(ctx context.Context) error
}

func (f fakeStage) Plan(ctx context.Context, refreshOnly bool) (plan.Result, error) {
	return f.plan(ctx, refreshOnly)
}

func (f fakeStage) Apply(ctx context.Context) error {
	if f.apply == nil {
		return nil
	}
	return f.apply(ctx)
}

func (f fakeStage) Outputs(context.Context) (map[string]inventory.Output, error) {
	return map[string]inventory.Output{"region": {Value: []byte(`"eu-west-1"`)}}, nil
}

// flowCLI runs the command line with fake Terraform stages that plan the
// results of plans (by stack), in a repository, with a terminal or not.
func flowCLI(t *testing.T, env map[string]string, tty bool, plans map[string]plan.Result, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	tools := fakeTools{bin: deploy.Binary{Path: "/opt/bin/tofu"}, newTerraform: func(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
		return fakeStage{plan: func(context.Context, bool) (plan.Result, error) {
			r := plans[spec.Stack.String()]
			return r, r.Err
		}}, nil
	}}
	code := Main(t.Context(), Deps{
		Args: args, Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools:  tools,
		NewStore: func(_ context.Context, cfg *config.Config) (InventoryStore, error) {
			return filestore.New(filestore.Options{Dir: filepath.Join(cfg.Root, cfg.FileStoreDir())})
		},
		Terminal: func(io.Writer) (bool, int) { return tty, 100 },
	})
	return code, stdout.String(), stderr.String()
}

func TestPlanExitCodes(t *testing.T) {
	r := newRepo(t)
	changed := plan.Result{HasChanges: true, Counts: plan.Counts{Add: 1}, Fingerprint: "sha256:1"}
	tests := []struct {
		name   string
		plans  map[string]plan.Result
		args   []string
		code   int
		stderr string
	}{
		{name: "no changes", code: ExitOK},
		{name: "changes", plans: map[string]plan.Result{"infrastructure/prod": changed}, code: ExitOK},
		{name: "changes, detailed", plans: map[string]plan.Result{"infrastructure/prod": changed}, args: []string{"--detailed-exitcode"}, code: ExitChanges},
		{name: "failed", plans: map[string]plan.Result{"infrastructure/prod": {Err: errors.New("exit status 1")}}, args: []string{"--detailed-exitcode"},
			code: ExitFailed, stderr: "tierdeploy: 1 of 2 stacks failed: infrastructure/prod (the report shows why)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--chdir", r.Dir, "plan", "--all", "--tier", "infrastructure"}, tt.args...)
			code, stdout, stderr := flowCLI(t, nil, false, tt.plans, args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stdout, "### ")
			if tt.stderr != "" {
				assert.True(t, strings.HasSuffix(stderr, tt.stderr), stderr)
			}
		})
	}
}

func TestPlanOnATerminal(t *testing.T) {
	r := newRepo(t)
	plans := map[string]plan.Result{
		"infrastructure/staging": {HasChanges: true, Counts: plan.Counts{Add: 2, Change: 1}},
		"infrastructure/prod":    {Err: errors.New("terraform plan infra/envs/prod: exit status 1: Error: Invalid reference")},
	}
	code, stdout, stderr := flowCLI(t, map[string]string{"TERM": "xterm-256color"}, true, plans, "--chdir", r.Dir, "plan", "--all", "--tier", "infrastructure")
	require.Equal(t, ExitFailed, code)
	assert.Contains(t, stderr, "infrastructure/staging  \x1b[33m+2 ~1 -0", "one line per stack with its counts, in colour")
	assert.Contains(t, stderr, "infrastructure/prod     \x1b[31mfailed: terraform plan infra/envs/prod")
	assert.Contains(t, stderr, "\x1b[2F\x1b[J", "the lines are redrawn in place")
	assert.NotContains(t, stderr, "level=INFO", "progress messages are not printed on a terminal")
	assert.Contains(t, stdout, "infrastructure/staging")

	_, _, stderr = flowCLI(t, map[string]string{"NO_COLOR": "1"}, true, plans, "--chdir", r.Dir, "plan", "--all", "--tier", "infrastructure")
	assert.NotRegexp(t, `\x1b\[[0-9;]*m`, stderr, "NO_COLOR")
	assert.Contains(t, stderr, "  ~ infrastructure/staging  +2 ~1 -0")

	_, _, stderr = flowCLI(t, nil, true, plans, "--chdir", r.Dir, "--log-format", "json", "plan", "--all", "--tier", "infrastructure")
	assert.NotContains(t, stderr, "\x1b", "--log-format json is for machines")

	_, _, stderr = flowCLI(t, nil, false, plans, "--chdir", r.Dir, "plan", "--all", "--tier", "infrastructure")
	assert.NotContains(t, stderr, "\x1b", "not a terminal")
	assert.Contains(t, stderr, "level=INFO")
}

func TestApplyNeverAppliedStack(t *testing.T) {
	r := newRepo(t)
	r.Write(map[string]string{"tierdeploy.yaml": strings.Replace(repoConfig, "    helm:\n      - release: app\n        chart: project/chart\n",
		"    terraform:\n      dir: infra/envs/{environment}\n    helm:\n      - release: app\n        chart: project/chart\n", 1)})
	r.Commit("no helm")
	changed := map[string]plan.Result{"infrastructure/prod": {HasChanges: true, Counts: plan.Counts{Add: 1}}}

	// Nothing touched infrastructure since main, and it was never applied:
	// the report says so, rather than that nothing changed.
	code, stdout, stderr := flowCLI(t, nil, false, changed, "--chdir", r.Dir, "apply", "--base", "HEAD", "--environment", "prod")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "never applied")
	assert.NotContains(t, stdout, "no stack changed since its last apply.")

	// Named with --tier and --environment, it is applied.
	code, stdout, stderr = flowCLI(t, nil, false, changed, "--chdir", r.Dir, "apply", "--base", "HEAD", "--tier", "infrastructure", "--environment", "prod")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "infrastructure/prod")
	b, err := os.ReadFile(filepath.Join(r.Dir, ".tierdeploy/inventory/prod.applied.json"))
	require.NoError(t, err)
	rec, err := inventory.ParseApplied(b)
	require.NoError(t, err)
	require.NotNil(t, rec.Stacks["infrastructure"].Last)
	assert.Equal(t, strings.TrimSpace(r.Git("rev-parse", "HEAD")), rec.Stacks["infrastructure"].Last.Commit)

	// Now it was: nothing changed since.
	code, stdout, _ = flowCLI(t, nil, false, changed, "--chdir", r.Dir, "apply", "--base", "HEAD", "--tier", "infrastructure", "--environment", "prod")
	require.Equal(t, ExitOK, code)
	assert.Equal(t, "Nothing to apply: no stack changed since its last apply.\n", stdout)
}

func TestExitCode(t *testing.T) {
	changed := &deploy.Outcome{Stacks: []*deploy.StackOutcome{{Results: []plan.Result{{HasChanges: true}}}}}
	failed := &deploy.Outcome{Stacks: []*deploy.StackOutcome{{Results: []plan.Result{{Err: errors.New("x")}}}}}
	tests := []struct {
		name string
		res  result
		err  error
		want int
	}{
		{"nothing", result{}, nil, ExitOK},
		{"help", result{}, errHelp, ExitOK},
		{"usage", result{}, usagef("bad"), ExitInput},
		{"inventory document", result{}, inventory.ErrInvalid, ExitInput},
		{"other error", result{}, errors.New("x"), ExitFailed},
		{"changes", result{outcome: changed}, nil, ExitOK},
		{"changes exit 2", result{outcome: changed, changesExit: true}, nil, ExitChanges},
		{"failed stacks", result{outcome: failed, changesExit: true}, nil, ExitFailed},
		{"comment failed", result{outcome: changed, changesExit: true}, &deploy.CommentError{Err: errors.New("x")}, ExitFailed},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, exitCode(tt.res, tt.err), tt.name)
	}
}
