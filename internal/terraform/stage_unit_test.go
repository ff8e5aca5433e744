package terraform

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fakeStage returns a stage that runs f instead of a binary.
func fakeStage(t *testing.T, f *fakeRunner, edit func(*Options)) (*Stage, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts := Options{
		Log:     slog.New(slog.NewTextHandler(logs, nil)),
		Env:     []string{"PATH=/bin"},
		Stack:   plan.Stack{Tier: "infrastructure", Environment: "prod"},
		Name:    "terraform/prod",
		Dir:     t.TempDir(),
		WorkDir: filepath.Join(t.TempDir(), "work"),
		runner:  f,
	}
	if edit != nil {
		edit(&opts)
	}
	s, err := New(opts)
	require.NoError(t, err)
	return s, logs
}

func TestStagePlanRuns(t *testing.T) {
	f := &fakeRunner{replies: map[string]reply{
		"plan":       {stdout: "terraform_data.app: Refreshing state... [id=1]\n\n  # terraform_data.app will be created\n  + password = \"" + testPassword + "\"\n", code: 2},
		"show -json": {stdout: string(fixture(t, "create"))},
	}}
	s, logs := fakeStage(t, f, func(o *Options) {
		o.VarFiles = []string{"prod.tfvars"}
		o.BackendConfig = []string{"key=prod.tfstate"}
		o.Workspace = "prod"
		o.LockTimeout = time.Minute
		o.PluginCacheDir = filepath.Join(t.TempDir(), "cache")
	})
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)

	file := filepath.Join(s.opts.WorkDir, "infrastructure-prod.tfplan")
	cmds := f.commands()
	assert.Equal(t, []string{
		"init -input=false -no-color -reconfigure -backend-config=key=prod.tfstate",
		"workspace select prod",
		"plan -input=false -no-color -detailed-exitcode -lock-timeout=1m0s -out=" + file + " -var-file=prod.tfvars",
		"show -json " + file,
	}, cmds, "the text comes from plan: no second show")
	for _, c := range f.calls {
		assert.Equal(t, s.opts.Dir, c.dir)
		assert.Contains(t, c.env, "TF_DATA_DIR="+filepath.Join(s.opts.WorkDir, "infrastructure-prod.terraform"))
		assert.Contains(t, c.env, "TF_PLUGIN_CACHE_DIR="+s.opts.PluginCacheDir)
	}

	assert.True(t, r.HasChanges)
	assert.Equal(t, plan.Counts{Add: 6}, r.Counts)
	assert.Equal(t, plan.Stack{Tier: "infrastructure", Environment: "prod"}, r.Stack)
	assert.Equal(t, "terraform/prod", r.Name)
	assert.Equal(t, "  # terraform_data.app will be created\n  + password = \"***\"\n", r.Diff)
	assert.Equal(t, file, s.PlanFile())
	assert.FileExists(t, file+".json")
	assert.Contains(t, logs.String(), `msg="terraform_data.app: Refreshing state... [id=1]" stack=infrastructure/prod dir=terraform/prod cmd=plan`)
	assert.Contains(t, logs.String(), `msg="terraform plan done"`)
	assert.NotContains(t, logs.String(), testPassword)

	// A second plan of the same stage does not init again.
	_, err = s.Plan(t.Context(), PlanOptions{RefreshOnly: true})
	require.NoError(t, err)
	cmds = f.commands()
	assert.Len(t, cmds, 6)
	assert.Contains(t, cmds[4], "-refresh-only")
	assert.Equal(t, file, s.PlanFile(), "a refresh-only plan replaced the plan file")
}

func TestStagePlanExitCodes(t *testing.T) {
	noop := `{"format_version":"1.2"}`
	tests := []struct {
		name    string
		replies map[string]reply
		changes bool
		wantErr string
		check   func(t *testing.T, err error)
	}{
		{name: "no changes", replies: map[string]reply{"show -json": {stdout: noop}}},
		{name: "changes", replies: map[string]reply{"plan": {code: 2}, "show -json": {stdout: noop}}, changes: true},
		{
			name:    "plan fails",
			replies: map[string]reply{"plan": {stderr: "\nError: Invalid reference\n\n  on main.tf line 7:\n   7:   x = foo\n\nA reference must start with a name.\n", code: 1}},
			wantErr: "terraform plan terraform/prod: exit status 1: main.tf:7: Invalid reference: A reference must start with a name.",
		},
		{
			name:    "state locked",
			replies: map[string]reply{"plan": {stderr: "\nError: " + lockSummary + "\n\n" + lockDetail + "\n", code: 1}},
			wantErr: "terraform plan terraform/prod: the state is locked by runner@ci",
			check: func(t *testing.T, err error) {
				var le *LockError
				require.ErrorAs(t, err, &le)
			},
		},
		{
			name:    "init fails",
			replies: map[string]reply{"init": {stderr: "Error: Failed to query available provider packages\n", code: 1}},
			wantErr: "terraform plan terraform/prod: init: exit status 1: Error: Failed to query available provider packages",
		},
		{
			name:    "show fails",
			replies: map[string]reply{"show -json": {stderr: "Error: Failed to read the given file as a state or plan file\n", code: 1}},
			wantErr: "terraform plan terraform/prod: show -json: exit status 1: Error: Failed to read the given file",
		},
		{
			name:    "plan JSON unreadable",
			replies: map[string]reply{"show -json": {stdout: "{"}},
			wantErr: "terraform plan terraform/prod: read plan JSON: unexpected end of JSON input",
		},
		{
			name:    "interrupted",
			replies: map[string]reply{"plan": {err: errors.Join(errors.New("interrupted (it ended with exit status 1)"), context.Canceled)}},
			wantErr: "terraform plan terraform/prod: interrupted",
			check:   func(t *testing.T, err error) { require.ErrorIs(t, err, context.Canceled) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := fakeStage(t, &fakeRunner{replies: tt.replies}, nil)
			r, err := s.Plan(t.Context(), PlanOptions{})
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.changes, r.HasChanges)
				assert.Equal(t, plan.Fingerprint(plan.Terraform, nil), r.Fingerprint)
				return
			}
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.wantErr), "error: %v", err)
			assert.Equal(t, err, r.Err)
			assert.Empty(t, s.PlanFile())
			assert.Positive(t, r.Duration)
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestStageApplyAndOutputs(t *testing.T) {
	f := &fakeRunner{replies: map[string]reply{
		"apply":  {stdout: uiLines("Apply complete! Resources: 1 added, 0 changed, 0 destroyed.")},
		"output": {stdout: `{"host":{"sensitive":false,"type":"string","value":"db.internal"},"password":{"sensitive":true,"type":"string","value":"pw"}}`},
	}}
	s, logs := fakeStage(t, f, func(o *Options) { o.LockTimeout = 30 * time.Second })
	planFile := filepath.Join(t.TempDir(), "p.tfplan")
	writeVars(t, filepath.Dir(planFile), "p.tfplan", "plan")
	require.NoError(t, s.Apply(t.Context(), planFile))
	outs, err := s.Outputs(t.Context())
	require.NoError(t, err)

	assert.Equal(t, []string{
		"init -input=false -no-color -reconfigure",
		"apply -input=false -no-color -json -lock-timeout=30s " + planFile,
		"output -no-color -json",
	}, f.commands())
	assert.Equal(t, map[string]Output{
		"host":     {Type: []byte(`"string"`), Value: []byte(`"db.internal"`)},
		"password": {Sensitive: true, Type: []byte(`"string"`), Value: []byte(`"pw"`)},
	}, outs)
	assert.Contains(t, logs.String(), "Apply complete!")
	assert.False(t, strings.Contains(logs.String(), `"pw"`), "output values were logged")
}

func TestStageApplyFails(t *testing.T) {
	f := &fakeRunner{replies: map[string]reply{
		"apply": {stdout: diagnosticJSON("Saved plan is stale", "The given plan file can no longer be applied.", "", 0) + "\n", code: 1},
	}}
	s, _ := fakeStage(t, f, nil)
	planFile := filepath.Join(t.TempDir(), "p.tfplan")
	writeVars(t, filepath.Dir(planFile), "p.tfplan", "plan")
	err := s.Apply(t.Context(), planFile)
	require.EqualError(t, err, "terraform apply terraform/prod: exit status 1: Saved plan is stale: The given plan file can no longer be applied.")
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "apply", ce.Command)
}

func TestNew(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "main.tf")
	writeVars(t, dir, "main.tf", "")
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "no binary", opts: Options{Dir: dir, WorkDir: t.TempDir()}, wantErr: "no binary"},
		{name: "relative dir", opts: Options{Binary: "/bin/tofu", Dir: "terraform/prod", WorkDir: t.TempDir()}, wantErr: "is not absolute"},
		{name: "missing dir", opts: Options{Binary: "/bin/tofu", Dir: filepath.Join(dir, "nope"), WorkDir: t.TempDir()}, wantErr: "no such file"},
		{name: "file as dir", opts: Options{Binary: "/bin/tofu", Dir: file, WorkDir: t.TempDir()}, wantErr: "is not a directory"},
		{name: "no work dir", opts: Options{Binary: "/bin/tofu", Dir: dir}, wantErr: "no work directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			require.ErrorContains(t, err, tt.wantErr)
		})
	}
	s, err := New(Options{Binary: "/bin/tofu", Dir: dir, WorkDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, "running terraform in "+filepath.Base(dir), s.String())
	assert.True(t, slices.ContainsFunc(s.env, func(kv string) bool { return strings.HasPrefix(kv, "TF_DATA_DIR=") }))
}
