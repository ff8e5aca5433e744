package repofs

import (
	"errors"
	"fmt"
)

// ErrEscape matches every *EscapeError and *OutsideError: a path the
// repository names that leads outside it. It is bad input.
var ErrEscape = errors.New("leads outside the repository")

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

// OutsideError is a path that a file of the repository names (a file://
// chart dependency) and that lies outside the repository as written.
type OutsideError struct {
	// Path is the path as written; What says what named it.
	Path, What string
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s names %s, outside the repository: "+
		"tierdeploy reads only files inside the repository; copy what it needs into the repository", e.What, e.Path)
}

// Is makes errors.Is(err, ErrEscape) true.
func (e *OutsideError) Is(target error) bool { return target == ErrEscape }
