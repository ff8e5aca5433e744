package app

import (
	"errors"
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Exit codes (DESIGN.md).
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitChanges = 2
	ExitInput   = 3
)

// UsageError is a bad command line.
type UsageError struct {
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// errHelp means help was printed as asked.
var errHelp = errors.New("help requested")

// result is what a command ended with, apart from errors.
type result struct {
	// outcome is the run of plan, apply or drift; nil for other commands.
	outcome *deploy.Outcome
	// changesExit makes changes exit 2: plan --detailed-exitcode, drift.
	changesExit bool
}

// err names the failed stacks, or is nil.
func (r result) err() error {
	if r.outcome == nil {
		return nil
	}
	return r.outcome.Err()
}

// exitCode is the one place that decides the exit code: 3 for bad input
// (flags, configuration, inventory document), 1 for failed stacks and every
// other error, 2 for changes or drift when asked, else 0.
func exitCode(r result, err error) int {
	if errors.Is(err, errHelp) {
		err = nil
	}
	var (
		usage    *UsageError
		cfgErrs  *config.Errors
		unknown  *tier.UnknownError
		revision *changes.RevisionError
	)
	switch {
	case err == nil:
	case errors.As(err, &usage), errors.As(err, &cfgErrs), errors.As(err, &unknown),
		errors.Is(err, config.ErrNotFound), errors.As(err, &revision),
		errors.Is(err, event.ErrInput), errors.Is(err, inventory.ErrInvalid):
		return ExitInput
	default:
		return ExitFailed
	}
	switch {
	case r.err() != nil:
		return ExitFailed
	case r.changesExit && r.outcome.HasChanges():
		return ExitChanges
	}
	return ExitOK
}
