package terraform

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestArgs(t *testing.T) {
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{
			name: "init",
			got:  initArgs(nil),
			want: []string{"init", "-input=false", "-no-color", "-reconfigure"},
		},
		{
			name: "init with backend config",
			got:  initArgs([]string{"bucket=state", "backend/prod.hcl"}),
			want: []string{"init", "-input=false", "-no-color", "-reconfigure",
				"-backend-config=bucket=state", "-backend-config=backend/prod.hcl"},
		},
		{
			name: "workspace select",
			got:  workspaceSelectArgs("prod"),
			want: []string{"workspace", "select", "prod"},
		},
		{
			name: "plan",
			got:  planArgs("/work/p.tfplan", nil, 0, false),
			want: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode",
				"-lock-timeout=0s", "-out=/work/p.tfplan"},
		},
		{
			name: "plan with var files and lock timeout",
			got:  planArgs("/work/p.tfplan", []string{"common.tfvars", "/abs/prod.tfvars"}, 5*time.Minute, false),
			want: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode",
				"-lock-timeout=5m0s", "-out=/work/p.tfplan", "-var-file=common.tfvars", "-var-file=/abs/prod.tfvars"},
		},
		{
			name: "refresh-only plan",
			got:  planArgs("/work/r.tfplan", []string{"prod.tfvars"}, 90*time.Second, true),
			want: []string{"plan", "-input=false", "-no-color", "-detailed-exitcode",
				"-lock-timeout=1m30s", "-out=/work/r.tfplan", "-refresh-only", "-var-file=prod.tfvars"},
		},
		{
			name: "show -json",
			got:  showJSONArgs("/work/p.tfplan"),
			want: []string{"show", "-json", "/work/p.tfplan"},
		},
		{
			name: "apply",
			got:  applyArgs("/work/p.tfplan", time.Minute),
			want: []string{"apply", "-input=false", "-no-color", "-json", "-lock-timeout=1m0s", "/work/p.tfplan"},
		},
		{
			name: "output",
			got:  outputArgs(),
			want: []string{"output", "-no-color", "-json"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}

func TestBuildEnv(t *testing.T) {
	tests := []struct {
		name      string
		base      []string
		cache     string
		workspace bool
		want      []string
	}{
		{
			name: "passes everything through",
			base: []string{"PATH=/bin", "TF_VAR_password=s3cret", "TF_CLI_ARGS_plan=-parallelism=4", "TF_CLI_CONFIG_FILE=/rc"},
			want: []string{"PATH=/bin", "TF_VAR_password=s3cret", "TF_CLI_ARGS_plan=-parallelism=4", "TF_CLI_CONFIG_FILE=/rc",
				"TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"},
		},
		{
			name:  "overrides what the stage sets",
			base:  []string{"TF_IN_AUTOMATION=", "TF_INPUT=1", "TF_DATA_DIR=/elsewhere", "TF_PLUGIN_CACHE_DIR=/old", "CHECKPOINT_DISABLE="},
			cache: "/cache",
			want:  []string{"CHECKPOINT_DISABLE=", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "TF_PLUGIN_CACHE_DIR=/cache"},
		},
		{
			name: "keeps the user's plugin cache",
			base: []string{"TF_PLUGIN_CACHE_DIR=/home/cache"},
			want: []string{"TF_PLUGIN_CACHE_DIR=/home/cache", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"},
		},
		{
			name:      "drops TF_WORKSPACE when a workspace is selected",
			base:      []string{"TF_WORKSPACE=dev"},
			workspace: true,
			want:      []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"},
		},
		{
			name: "keeps TF_WORKSPACE otherwise",
			base: []string{"TF_WORKSPACE=dev"},
			want: []string{"TF_WORKSPACE=dev", "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, buildEnv(tt.base, tt.cache, tt.workspace))
		})
	}
}

func TestBuildEnvDefaultsToProcess(t *testing.T) {
	t.Setenv("TIERDEPLOY_TEST_MARKER", "here")
	assert.Contains(t, buildEnv(nil, "", false), "TIERDEPLOY_TEST_MARKER=here")
}

func TestLoggable(t *testing.T) {
	args := initArgs([]string{"access_key=AKIAEXAMPLE", "backend/prod.hcl"})
	assert.Equal(t, "init -input=false -no-color -reconfigure -backend-config=access_key=*** -backend-config=backend/prod.hcl", loggable(args))
}
