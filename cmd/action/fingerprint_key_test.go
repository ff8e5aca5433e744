package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

// TestFingerprintKeyNeverReachesChecks: an external checker is the
// repository's code, and its output goes into the report; the key of the
// published fingerprints must not reach it, or a pull request could print
// the key and make every fingerprint guessable again.
func TestFingerprintKeyNeverReachesChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	const key = "fingerprint-key-0123456789abcdef"
	t.Setenv(fingerprintKeyEnv, key)
	r, _ := policyRepo(t, `    checks:
      - name: prints-the-key
        command: [sh, -c, "echo \"key=${TIERDEPLOY_FINGERPRINT_KEY:-none}\"; exit 1"]
`)
	code, stdout, stderr := runCI(t, "plan", "--chdir", r.Dir, "--all", "--environment", "staging")
	require.Equal(t, app.ExitFailed, code, stderr)
	assert.True(t, strings.Contains(stdout, "key=none"), "the checker did not run, or ran with the key")
	assert.False(t, strings.Contains(stdout+stderr, key), "the key is in the report or the log")
}
