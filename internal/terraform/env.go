package terraform

import (
	"os"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/childenv"
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

// buildEnv returns the environment of every command: base (the process's
// environment when nil) with TF_IN_AUTOMATION=1 and TF_INPUT=0 (output
// without next-step advice, never a prompt), CHECKPOINT_DISABLE=1 unless
// base sets it, TF_PLUGIN_CACHE_DIR when pluginCache is set, without
// TF_WORKSPACE when a workspace is selected (Terraform refuses to select one
// while TF_WORKSPACE overrides it), without TF_DATA_DIR, which the stage
// sets, and without the CI platform's tokens (childenv.PlatformTokens).
// Everything else passes through: TF_VAR_*, TF_CLI_CONFIG_FILE,
// TF_CLI_ARGS*, cloud credentials.
func buildEnv(base []string, pluginCache string, selectsWorkspace bool) []string {
	if base == nil {
		base = os.Environ()
	}
	base = childenv.Without(base)
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
