package childenv

import (
	"os"
	"strings"
)

// PlatformTokens are the variables that hold the CI platform's own
// credentials: API tokens (the github-token input and GITHUB_TOKEN,
// GITLAB_TOKEN, the job token), the runner's internal tokens (Actions
// runtime and OpenID Connect request tokens), and GitLab's registry and
// deploy passwords and CI_REPOSITORY_URL, which embeds the job token. Code a
// change under review can write (Terraform providers, data sources,
// external programs) never gets them: with them it could comment, push or
// mint cloud tokens as the job. Cloud credentials (AWS_*, web identity
// token files), TF_VAR_* and TF_CLI_* are not among them.
var PlatformTokens = []string{
	"GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN",
	"INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN",
	"ACTIONS_RUNTIME_TOKEN", "ACTIONS_RUNTIME_URL", "ACTIONS_RESULTS_URL", "ACTIONS_CACHE_URL",
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
	"GITLAB_TOKEN", "CI_JOB_TOKEN", "CI_BUILD_TOKEN", "CI_JOB_JWT", "CI_JOB_JWT_V1", "CI_JOB_JWT_V2",
	"CI_REPOSITORY_URL", "CI_REGISTRY_PASSWORD", "CI_DEPENDENCY_PROXY_PASSWORD", "CI_DEPLOY_PASSWORD",
}

// Without returns env (KEY=VALUE items) without the PlatformTokens.
func Without(env []string) []string {
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

// Environ returns this process's environment without the PlatformTokens.
func Environ() []string { return Without(os.Environ()) }
