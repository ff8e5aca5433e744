package changes

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Git runs the git binary in a directory.
type Git struct {
	Dir string
	// Bin is the git binary; empty means "git" from PATH.
	Bin string
}

var _ gitRunner = (*Git)(nil)

// Git runs git with args and returns its standard output. A failure's error
// holds git's standard error.
func (g *Git) Git(ctx context.Context, args ...string) ([]byte, error) {
	bin := g.Bin
	if bin == "" {
		bin = "git"
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"-c", "core.quotepath=off"}, args...)...)
	cmd.Dir = g.Dir
	cmd.Env = append(cmd.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return nil, fmt.Errorf("git %s: %w", args[0], err)
		}
		return nil, fmt.Errorf("git %s: %w: %s", args[0], err, msg)
	}
	return out, nil
}
