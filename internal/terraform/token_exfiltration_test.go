package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// plantedTokens are the CI platform's credentials as a job holds them.
var plantedTokens = map[string]string{
	"GITHUB_TOKEN":                   "planted-platform-token-1",
	"INPUT_GITHUB-TOKEN":             "planted-platform-token-2",
	"GITLAB_TOKEN":                   "planted-platform-token-3",
	"CI_JOB_TOKEN":                   "planted-platform-token-4",
	"ACTIONS_RUNTIME_TOKEN":          "planted-platform-token-5",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN": "planted-platform-token-6",
	"CI_REPOSITORY_URL":              "https://gitlab-ci-token:planted-platform-token-7@gitlab.example/acme/infra.git",
}

// TestBuildEnvDropsPlatformTokens checks the environment built for every
// terraform command: the platform's tokens are left out, cloud credentials
// and Terraform's own variables pass.
func TestBuildEnvDropsPlatformTokens(t *testing.T) {
	base := []string{"AWS_ACCESS_KEY_ID=planted-cloud-key", "TF_VAR_region=eu-west-1", "PATH=/usr/bin"}
	for k, v := range plantedTokens {
		base = append(base, k+"="+v)
	}
	env := buildEnv(base, "", false)
	joined := strings.Join(env, "\n")
	assert.NotContains(t, joined, "planted-platform-token")
	for _, kv := range []string{"AWS_ACCESS_KEY_ID=planted-cloud-key", "TF_VAR_region=eu-west-1", "PATH=/usr/bin", "TF_IN_AUTOMATION=1"} {
		assert.Contains(t, env, kv)
	}
}

// TestTerraformProcessDoesNotSeePlatformTokens runs a stage whose binary
// (this test binary, standing in for terraform) writes down the environment
// it was started with, from this process's environment as in CI.
func TestTerraformProcessDoesNotSeePlatformTokens(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix process test")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "environ")
	for k, v := range plantedTokens {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "planted-cloud-key")
	t.Setenv(fakeEnv, "env")
	t.Setenv("FAKE_ENV_OUT", out)
	s, err := New(Options{Binary: exe, Stack: plan.Stack{Tier: "infrastructure", Environment: "test"}, Dir: t.TempDir(), WorkDir: t.TempDir()})
	require.NoError(t, err)
	_, _ = s.Plan(t.Context(), PlanOptions{}) // the stand-in fails init

	b, err := os.ReadFile(out)
	require.NoError(t, err, "the stand-in ran")
	seen := string(b)
	assert.NotContains(t, seen, "planted-platform-token")
	assert.Contains(t, seen, "AWS_ACCESS_KEY_ID=planted-cloud-key", "cloud credentials pass")
}

// TestPlanCannotReadPlatformTokens plans, with real tofu, a root module that
// reads its provider's environment through a data source and reports in an
// output whether the platform's token is there: it is not, while the cloud
// credentials the job gives Terraform are.
func TestPlanCannotReadPlatformTokens(t *testing.T) {
	tofu := integration(t)
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/environ")
	}
	dir := copyConfig(t, "environ")
	s, _ := newStage(t, tofu, dir, func(o *Options) {
		o.Env = append(o.Env, "AWS_ACCESS_KEY_ID=planted-cloud-key")
		for k, v := range plantedTokens {
			o.Env = append(o.Env, k+"="+v)
		}
	})
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	outputs := map[string]bool{}
	for _, o := range r.Outputs {
		var v bool
		require.NoError(t, json.Unmarshal(o.After, &v), o.Name)
		outputs[o.Name] = v
	}
	assert.Equal(t, map[string]bool{"sees_platform_token": false, "sees_cloud_credentials": true}, outputs)
}
