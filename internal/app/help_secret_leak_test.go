package app

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A global flag given before the command name is registered again in the
// command's flags; a command's help or usage error (a typo in a workflow)
// printed its value as the default: the mirror URL's credentials went to
// the job log.
func TestCommandHelpDoesNotShowGlobalFlagValues(t *testing.T) {
	const mirror = "https://user:planted-secret@mirror.test/releases"
	for _, args := range [][]string{
		{"--tool-mirror", mirror, "detect", "-h"},
		{"--tool-mirror", mirror, "plan", "--no-such-flag"},
		{"--tool-mirror", mirror, "--config", "planted-secret.yaml", "validate", "--help"},
		{"--tool-mirror", mirror, "inventory", "get", "-h"},
	} {
		_, out, stderr := runCLI(t, args...)
		assert.NotContains(t, out+stderr, "planted-secret", args)
		if args[len(args)-1] != "--no-such-flag" {
			assert.Contains(t, out+stderr, "-tool-mirror URL", "%v: the flag is still explained", args)
		}
	}
}
