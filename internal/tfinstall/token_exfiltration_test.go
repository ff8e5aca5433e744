package tfinstall

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProbeDoesNotPassPlatformTokens asks a binary for its version, as the
// installer does for a terraform.binary path that may be the repository's
// own script: the script sees the cloud credentials, not the CI platform's
// tokens.
func TestProbeDoesNotPassPlatformTokens(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell script")
	}
	dir := t.TempDir()
	seen := filepath.Join(dir, "environ")
	script := filepath.Join(dir, "tofu")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\nenv > '"+seen+"'\necho '{\"terraform_version\":\"1.10.7\"}'\n"), 0o755))
	t.Setenv("GITHUB_TOKEN", "planted-platform-token")
	t.Setenv("INPUT_GITHUB-TOKEN", "planted-platform-token")
	t.Setenv("CI_JOB_TOKEN", "planted-platform-token")
	t.Setenv("AWS_ACCESS_KEY_ID", "planted-cloud-key")

	v, err := ProbeVersion(t.Context(), script)
	require.NoError(t, err)
	assert.Equal(t, "1.10.7", v)
	b, err := os.ReadFile(seen)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "planted-platform-token")
	assert.Contains(t, string(b), "AWS_ACCESS_KEY_ID=planted-cloud-key")
}
