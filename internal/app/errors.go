package app

import (
	"errors"
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/repofs"
	"github.com/tierdeploy/tierdeploy/internal/tier"
	"github.com/tierdeploy/tierdeploy/internal/yamlbound"
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

// err names the failed stacks, or is nil. A stack that failed for bad input
// (see badInput), such as an invalid inventory document, is named in it and
// makes the run exit 3, like a command that reads the same document
// directly (inventory get).
func (r result) err() error {
	if r.outcome == nil {
		return nil
	}
	err := r.outcome.Err()
	var failed *deploy.StacksFailedError
	if errors.As(err, &failed) {
		failed.Input = firstInputError(r.outcome)
	}
	return err
}

// exitCode is the one place that decides the exit code: 3 for bad input
// (see badInput), 1 for failed stacks and every other error, 2 for changes
// or drift when asked, else 0.
func exitCode(r result, err error) int {
	if errors.Is(err, errHelp) {
		err = nil
	}
	if ferr := r.err(); ferr != nil {
		err = errors.Join(err, ferr)
	}
	switch {
	case err == nil:
	case badInput(err):
		return ExitInput
	default:
		return ExitFailed
	}
	if r.changesExit && r.outcome.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}

// badInput reports whether err was caused by bad input: the command line,
// the configuration, the CI event, a repository path that leads outside the
// repository through a symbolic link, an invalid inventory document or apply
// record, a policy that does not compile, a file from the repository over
// the decoding limits, a set value whose placeholder has no value (an
// environment variable the job does not set), or a Terraform or OpenTofu
// version that cannot be had as asked.
func badInput(err error) bool {
	var (
		usage    *UsageError
		cfgErrs  *config.Errors
		unknown  *tier.UnknownError
		revision *changes.RevisionError
		version  *deploy.RequestError
		set      *config.SetError
	)
	return errors.As(err, &usage) || errors.As(err, &cfgErrs) || errors.As(err, &unknown) || errors.As(err, &set) ||
		errors.Is(err, config.ErrNotFound) || errors.As(err, &revision) ||
		errors.Is(err, event.ErrInput) || errors.Is(err, inventory.ErrInvalid) ||
		errors.Is(err, yamlbound.ErrBound) || errors.Is(err, repofs.ErrEscape) || errors.As(err, &version) || errors.Is(err, check.ErrInvalidPolicy)
}

// firstInputError returns the first failure, in stack order, caused by bad
// input (see badInput); nil when none was.
func firstInputError(o *deploy.Outcome) error {
	for _, s := range o.Stacks {
		for _, r := range s.Results {
			if r.Err != nil && badInput(r.Err) {
				return r.Err
			}
		}
		if s.Err != nil && badInput(s.Err) {
			return s.Err
		}
	}
	return nil
}
