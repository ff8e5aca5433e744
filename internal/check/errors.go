package check

import "errors"

// ErrInvalidPolicy is wrapped by every error about the repository's
// policies themselves (a file that does not parse or compile, a directory
// without policies, a path that leaves the repository): bad input, exit
// code 3. It is policy.ErrInvalid, here so that the command line can tell
// it without linking the policy engine.
var ErrInvalidPolicy = errors.New("invalid policy")
