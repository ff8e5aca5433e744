package app

import (
	"errors"
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
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

// exitCode maps an error to the process exit code: 3 for bad input (see
// badInput), 1 for everything else.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, errHelp) {
		return ExitOK
	}
	if badInput(err) {
		return ExitInput
	}
	return ExitFailed
}

// badInput reports whether err was caused by bad input: the command line,
// the configuration, the CI event, an invalid inventory document or apply
// record, or a file from the repository over the decoding limits.
func badInput(err error) bool {
	var (
		usage    *UsageError
		cfgErrs  *config.Errors
		unknown  *tier.UnknownError
		revision *changes.RevisionError
	)
	return errors.As(err, &usage) || errors.As(err, &cfgErrs) || errors.As(err, &unknown) ||
		errors.Is(err, config.ErrNotFound) || errors.As(err, &revision) ||
		errors.Is(err, event.ErrInput) || errors.Is(err, inventory.ErrInvalid) ||
		errors.Is(err, yamlbound.ErrBound)
}
