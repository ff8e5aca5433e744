package checker

import "strings"

// Environment variables a checker receives.
const (
	EnvPlanJSON    = "TIERDEPLOY_PLAN_JSON"
	EnvManifests   = "TIERDEPLOY_MANIFESTS"
	EnvInput       = "TIERDEPLOY_CHECK_INPUT"
	EnvStack       = "TIERDEPLOY_STACK"
	EnvTier        = "TIERDEPLOY_TIER"
	EnvEnvironment = "TIERDEPLOY_ENVIRONMENT"
	EnvStage       = "TIERDEPLOY_STAGE"
	EnvStageKind   = "TIERDEPLOY_STAGE_KIND"
)

// platformTokens are the variables that hold the CI platform's tokens,
// removed from every checker's environment.
var platformTokens = map[string]bool{
	"GITHUB_TOKEN":                   true,
	"GH_TOKEN":                       true,
	"INPUT_GITHUB-TOKEN":             true, // the action's github-token input
	"INPUT_GITHUB_TOKEN":             true,
	"GITLAB_TOKEN":                   true,
	"CI_JOB_TOKEN":                   true,
	"CI_JOB_JWT":                     true,
	"CI_JOB_JWT_V1":                  true,
	"CI_JOB_JWT_V2":                  true,
	"CI_REGISTRY_PASSWORD":           true,
	"CI_DEPENDENCY_PROXY_PASSWORD":   true,
	"CI_DEPLOY_PASSWORD":             true,
	"CI_REPOSITORY_URL":              true, // holds the job token
	"ACTIONS_ID_TOKEN_REQUEST_TOKEN": true,
	"ACTIONS_RUNTIME_TOKEN":          true,
}

// tokenPrefixes are prefixes of variables removed as a whole: the runner's
// internal endpoints and tokens.
var tokenPrefixes = []string{"ACTIONS_"}

// ours are the variables the runner sets for each check; the caller's are
// dropped.
var ours = map[string]bool{
	EnvPlanJSON: true, EnvManifests: true, EnvInput: true, EnvStack: true,
	EnvTier: true, EnvEnvironment: true, EnvStage: true, EnvStageKind: true,
}

// cleanEnv returns env without the platform's tokens, the runner's own
// variables and malformed entries.
func cleanEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, ok := strings.Cut(kv, "=")
		if !ok || k == "" || platformTokens[strings.ToUpper(k)] || ours[k] {
			continue
		}
		drop := false
		for _, p := range tokenPrefixes {
			drop = drop || strings.HasPrefix(strings.ToUpper(k), p)
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}
