package check

import "errors"

// ErrInvalidPolicy is wrapped by every error about the repository's
// policies themselves (a file that does not parse or compile, a directory
// without policies, a path that leaves the repository): bad input, exit
// code 3. It is policy.ErrInvalid, here so that the command line can tell
// it without linking the policy engine.
var ErrInvalidPolicy = errors.New("invalid policy")

// Location is a place in one of the repository's files that an error is
// about, for an annotation on the change's diff.
type Location struct {
	// File is relative to the configuration's root directory.
	File string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
	Message      string
}
