package repofs

import (
	"errors"
	"fmt"
)

// ErrEscape matches every *EscapeError: a path of the repository that leads
// outside it through a symbolic link. It is bad input.
var ErrEscape = errors.New("leads outside the repository through a symbolic link")

// EscapeError is a path of the repository that is, or lies under, a
// symbolic link to a place outside the repository.
type EscapeError struct {
	// Path is the link (or the path under it), slash-separated and
	// relative to the repository root.
	Path string
	// Target is where it leads, resolved.
	Target string
}

func (e *EscapeError) Error() string {
	return fmt.Sprintf("%s leads outside the repository through a symbolic link (to %s): "+
		"tierdeploy reads only files inside the repository; copy what it needs into the repository", e.Path, e.Target)
}

// Is makes errors.Is(err, ErrEscape) true.
func (e *EscapeError) Is(target error) bool { return target == ErrEscape }
