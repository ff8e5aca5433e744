package checkinput

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error about a plan JSON or a manifest that
// cannot be read.
var ErrInvalid = errors.New("invalid check input")

// InvalidError says what is wrong with a plan JSON or a manifest.
type InvalidError struct {
	// What is "plan JSON" or "rendered manifest".
	What string
	// Doc is the 1-based number of the manifest's YAML document; 0 for a
	// plan.
	Doc int
	Err error
}

func (e *InvalidError) Error() string {
	if e.Doc > 0 {
		return fmt.Sprintf("%s: document %d: %v", e.What, e.Doc, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.What, e.Err)
}

// Unwrap returns the cause.
func (e *InvalidError) Unwrap() error { return e.Err }

// Is reports ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
