package terraform

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// CommandError is a Terraform command that failed: it exited with a status
// other than the expected ones. Output holds what Terraform said about it.
type CommandError struct {
	// Command is the subcommand, such as "plan".
	Command string
	// ExitCode is the command's exit status.
	ExitCode int
	// Diagnostics are the errors Terraform reported as data (plan and
	// apply), one line each: "file:line: summary: detail".
	Diagnostics []string
	// Stderr is the end of the command's standard error.
	Stderr string
}

// Error returns the diagnostics on one line, or the end of the standard
// error when there are none.
func (e *CommandError) Error() string {
	msg := fmt.Sprintf("exit status %d", e.ExitCode)
	switch {
	case len(e.Diagnostics) > 0:
		return msg + ": " + strings.Join(e.Diagnostics, "; ")
	case strings.TrimSpace(e.Stderr) != "":
		return msg + ": " + oneLine(e.Stderr)
	}
	return msg
}

// Output returns everything Terraform said about the failure, on several
// lines, for a report.
func (e *CommandError) Output() string {
	parts := append([]string(nil), e.Diagnostics...)
	if s := strings.TrimSpace(e.Stderr); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, "\n")
}

// LockInfo describes who holds a state lock, as Terraform prints it.
type LockInfo struct {
	ID        string
	Path      string
	Operation string
	Who       string
	Version   string
	Created   string
	Info      string
}

// LockError means the state was locked by another run and the lock was not
// released within the lock timeout.
type LockError struct {
	// Timeout is how long the command waited for the lock.
	Timeout time.Duration
	// Info is the lock holder's record; empty fields were not printed.
	Info LockInfo
	// Err is the failed command.
	Err *CommandError
}

func (e *LockError) Error() string {
	var b strings.Builder
	b.WriteString("the state is locked")
	if e.Info.Who != "" {
		b.WriteString(" by " + e.Info.Who)
	}
	var held []string
	if e.Info.Operation != "" {
		held = append(held, e.Info.Operation)
	}
	if e.Info.Created != "" {
		held = append(held, "since "+e.Info.Created)
	}
	if e.Info.ID != "" {
		held = append(held, "lock ID "+e.Info.ID)
	}
	if len(held) > 0 {
		b.WriteString(" (" + strings.Join(held, ", ") + ")")
	}
	fmt.Fprintf(&b, " and was not released within %s: wait for that run to finish, raise terraform.lock_timeout", e.Timeout)
	if e.Info.ID != "" {
		fmt.Fprintf(&b, ", or, if it is gone, run force-unlock %s", e.Info.ID)
	}
	return b.String()
}

func (e *LockError) Unwrap() error { return e.Err }

// ErrNoPlanFile means Apply was given a plan file that does not exist.
var ErrNoPlanFile = errors.New("plan file not found")

// oneLine joins the non-empty lines of s with "; ", without the box that
// Terraform draws around diagnostics, starting at the first "Error:" line
// when there is one.
func oneLine(s string) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(l, "│╷╵ ")); l != "" {
			lines = append(lines, l)
		}
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "Error:") {
			lines = lines[i:]
			break
		}
	}
	return strings.Join(lines, "; ")
}
