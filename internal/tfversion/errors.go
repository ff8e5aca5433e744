package tfversion

import "fmt"

// FileError is a file in the repository (or the configuration) that asks
// for a version in a way that cannot be used. Callers treat it as bad
// input.
type FileError struct {
	// File is relative to the repository root; empty when Msg names it.
	File string
	// Line is 1-based; 0 when unknown.
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}
