package policy

import (
	"fmt"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/check"
)

// ErrInvalid is wrapped by every error about the policies themselves: a
// file that does not parse or compile, a path that leaves the repository,
// a directory without policies. Such an error is bad input (exit code 3).
var ErrInvalid = check.ErrInvalidPolicy

// Problem is one mistake in a policy or data file.
type Problem struct {
	// File is the path relative to the repository root.
	File string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
	Message      string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Error lists the problems found in the policies, in file order.
type Error struct {
	Problems []Problem
}

// Locations returns the problems as places in the repository's files, for
// annotations on the change's diff.
func (e *Error) Locations() []check.Location {
	out := make([]check.Location, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = check.Location{File: p.File, Line: p.Line, Column: p.Column, Message: p.Message}
	}
	return out
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return "policy " + e.Problems[0].String()
	}
	lines := []string{fmt.Sprintf("policies have %d problems:", len(e.Problems))}
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.String())
	}
	return strings.Join(lines, "\n")
}

// Is reports ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func problem(file, format string, args ...any) *Error {
	return &Error{Problems: []Problem{{File: file, Message: fmt.Sprintf(format, args...)}}}
}
