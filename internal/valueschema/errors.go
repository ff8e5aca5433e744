package valueschema

import (
	"errors"
	"fmt"
)

// ErrExternalRef is matched by the error of Compile when the schema refers
// to a document outside itself, which is never fetched.
var ErrExternalRef = errors.New("the schema refers to another document")

// CompileError means a schema could not be read or compiled.
type CompileError struct {
	Err error
}

func (e *CompileError) Error() string { return fmt.Sprintf("values schema: %v", e.Err) }

// Unwrap returns the underlying failure.
func (e *CompileError) Unwrap() error { return e.Err }
