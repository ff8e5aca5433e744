package terraform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// DefaultGracePeriod is how long a command may run on after it was
// interrupted before it is killed, when Options.GracePeriod is zero. It is
// terraform-exec's default too: long enough for Terraform to finish the
// calls in flight, write the state and release the lock.
const DefaultGracePeriod = 60 * time.Second

// invocation is one run of the binary.
type invocation struct {
	dir    string
	env    []string
	args   []string
	stdout io.Writer
	stderr io.Writer
}

// runner runs the binary. It returns the command's exit status; err is set
// only when the command could not be started or the context ended while it
// ran (then the status does not matter).
type runner interface {
	run(ctx context.Context, inv invocation) (exitCode int, err error)
}

// execRunner runs the binary as a child process. When the context ends, the
// child gets SIGINT, as from Ctrl-C, so that it stops cleanly and releases
// its state lock; it is killed only if it has not exited after grace.
type execRunner struct {
	binary string
	grace  time.Duration
}

var _ runner = execRunner{}

func (r execRunner) run(ctx context.Context, inv invocation) (int, error) {
	if err := ctx.Err(); err != nil {
		return -1, fmt.Errorf("not started: %w", err)
	}
	cmd := exec.CommandContext(ctx, r.binary, inv.args...)
	cmd.Dir = inv.dir
	cmd.Env = inv.env
	cmd.Stdout = inv.stdout
	cmd.Stderr = inv.stderr
	cmd.SysProcAttr = sysProcAttr()
	cmd.Cancel = func() error { return interrupt(cmd.Process) }
	cmd.WaitDelay = r.grace
	err := cmd.Run()
	if ctx.Err() != nil {
		how := "before it started"
		if cmd.ProcessState != nil {
			how = "it ended with " + cmd.ProcessState.String()
		}
		return -1, fmt.Errorf("interrupted (%s): %w", how, ctx.Err())
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), nil
	case err != nil:
		return -1, err
	}
	return 0, nil
}
