package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The error a run ends with is read by a person on a terminal or in a CI
// log viewer, and it quotes what the run does not control: file names,
// tool output, configuration values. An escape sequence there cannot set
// the window title, write the clipboard, hide lines or fake a GitLab
// section.
func TestFinalErrorEscapesAreNeutralised(t *testing.T) {
	dir := t.TempDir()
	name := "tierdeploy\x1b]0;pwned\x07\x1b]52;c;cm0K\x07\x1b[2A\x1b[0Ksection_end:1:x\r\x1b[0K.yaml"
	config := filepath.Join(dir, name)
	if err := os.WriteFile(config, []byte("version: 1\nbogus: \"\x1b]0;value\x07\"\n"), 0o644); err != nil {
		t.Skipf("the file system refuses the name: %v", err)
	}
	for _, args := range [][]string{
		{"--config", config, "validate"},
		{"--config", filepath.Join(dir, "missing"+name), "validate"},
	} {
		code, _, stderr := runCLI(t, args...)
		assert.Equal(t, ExitInput, code, stderr)
		assert.Contains(t, stderr, "tierdeploy")
		for _, bad := range []string{"\x1b", "\x07", "\r"} {
			assert.False(t, strings.Contains(stderr, bad), "%q reaches stderr: %q", bad, stderr)
		}
	}
}
