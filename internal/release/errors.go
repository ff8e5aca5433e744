package release

import (
	"errors"
	"fmt"
)

// ErrInput marks bad input: a tag, digest, image name or file the release
// cannot use. Every such error wraps it, so the command line can exit with
// code 3.
var ErrInput = errors.New("bad input")

// InputError is a value the release cannot use; Reason says what to fix.
type InputError struct {
	// What names the value ("the release tag", "the image digest", ...).
	What   string
	Value  string
	Reason string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.What, e.Value, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInput) hold.
func (e *InputError) Unwrap() error { return ErrInput }

// FileError is a file the release cannot edit, such as an action.yml that is
// not in its development form.
type FileError struct {
	File   string
	Reason string
}

func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInput) hold.
func (e *FileError) Unwrap() error { return ErrInput }
