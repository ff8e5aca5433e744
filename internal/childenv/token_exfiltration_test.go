package childenv

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChildProcessDoesNotSeePlatformTokens starts a real child process
// with Environ, as tierdeploy starts the binaries it asks for their version
// (which may be the repository's own), and checks what it sees.
func TestChildProcessDoesNotSeePlatformTokens(t *testing.T) {
	env, err := exec.LookPath("env")
	if err != nil {
		t.Skip("no env command")
	}
	for _, k := range PlatformTokens {
		t.Setenv(k, "planted-platform-token")
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "planted-cloud-key")
	cmd := exec.CommandContext(t.Context(), env)
	cmd.Env = Environ()
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "planted-platform-token")
	assert.Contains(t, string(out), "AWS_ACCESS_KEY_ID=planted-cloud-key")
}

// TestWithout keeps everything but the tokens, in order.
func TestWithout(t *testing.T) {
	in := []string{"PATH=/bin", "GITHUB_TOKEN=x", "INPUT_GITHUB-TOKEN=y", "TF_VAR_a=1", "CI_REPOSITORY_URL=https://gitlab-ci-token:z@host/r.git", "GITHUB_TOKENS=kept"}
	assert.Equal(t, []string{"PATH=/bin", "TF_VAR_a=1", "GITHUB_TOKENS=kept"}, Without(in))
}
