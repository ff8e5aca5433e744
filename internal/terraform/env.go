package terraform

import (
	"os"
	"strings"
)

// Environment variables the stage sets.
const (
	envAutomation  = "TF_IN_AUTOMATION"
	envInput       = "TF_INPUT"
	envCheckpoint  = "CHECKPOINT_DISABLE"
	envPluginCache = "TF_PLUGIN_CACHE_DIR"
	envWorkspace   = "TF_WORKSPACE"
	envDataDir     = "TF_DATA_DIR"
)

// PlatformTokens are the variables that hold the CI platform's own
// credentials: API tokens (the github-token input and GITHUB_TOKEN,
// GITLAB_TOKEN, the job token), the runner's internal tokens (Actions
// runtime and OpenID Connect request tokens), and GitLab's registry and
// deploy passwords and CI_REPOSITORY_URL, which embeds the job token.
// Terraform runs code a change under review can write (providers, data
// sources, external programs), so it never gets them: with them that code
// could comment, push or mint cloud tokens as the job. Cloud credentials
// (AWS_*, web identity token files), TF_VAR_* and TF_CLI_* pass.
var PlatformTokens = []string{
	"GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
	"INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN",
	"ACTIONS_RUNTIME_TOKEN", "ACTIONS_RUNTIME_URL", "ACTIONS_RESULTS_URL", "ACTIONS_CACHE_URL",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
	"GITLAB_TOKEN", "CI_JOB_TOKEN", "CI_BUILD_TOKEN", "CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2",
	"CI_REPOSITORY_URL", "CI_REGISTRY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD", "CI_DEPLOY_PASSWORD",
}

// WithoutPlatformTokens returns env (KEY=VALUE items) without the
// PlatformTokens, for every process that runs the repository's code.
func WithoutPlatformTokens(env []string) []string {
	drop := make(map[string]bool, len(PlatformTokens))
	for _, k := range PlatformTokens {
		drop[k] = true
	}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !drop[k] {
			out = append(out, kv)
		}
	}
	return out
}

// buildEnv returns the environment of every command: base (the process's
// environment when nil) with TF_IN_AUTOMATION=1 and TF_INPUT=0 (output
// without next-step advice, never a prompt), CHECKPOINT_DISABLE=1 unless
// base sets it, TF_PLUGIN_CACHE_DIR when pluginCache is set, without
// TF_WORKSPACE when a workspace is selected (Terraform refuses to select one
// while TF_WORKSPACE overrides it), without TF_DATA_DIR, which the stage
// sets, and without the PlatformTokens. Everything else passes through:
// TF_VAR_*, TF_CLI_CONFIG_FILE, TF_CLI_ARGS*, cloud credentials.
func buildEnv(base []string, pluginCache string, selectsWorkspace bool) []string {
	if base == nil {
		base = os.Environ()
	}
	base = WithoutPlatformTokens(base)
	drop := map[string]bool{envAutomation: true, envInput: true, envDataDir: true}
	if pluginCache != "" {
		drop[envPluginCache] = true
	}
	if selectsWorkspace {
		drop[envWorkspace] = true
	}
	env := make([]string, 0, len(base)+4)
	checkpoint := false
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if drop[k] {
			continue
		}
		checkpoint = checkpoint || k == envCheckpoint
		env = append(env, kv)
	}
	env = append(env, envAutomation+"=1", envInput+"=0")
	if !checkpoint {
		env = append(env, envCheckpoint+"=1")
	}
	if pluginCache != "" {
		env = append(env, envPluginCache+"="+pluginCache)
	}
	return env
}

// lookupEnv returns the value of key in env (last one wins, as for exec).
func lookupEnv(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}
