package yamlbound

import (
	"errors"
	"fmt"
)

// ErrBound is matched (with errors.Is) by every error that refuses a
// document for what decoding it would cost.
var ErrBound = errors.New("yaml document over the decoding limits")

// TooLargeError means the document has more bytes than allowed.
type TooLargeError struct {
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("is %d bytes, over the limit of %d bytes", e.Size, e.Limit)
}

// Is makes the error match ErrBound.
func (e *TooLargeError) Is(target error) bool { return target == ErrBound }

// AliasError means the document's aliases expand to more nodes than
// allowed, or an alias refers to a node that contains it.
type AliasError struct {
	// Line and Column locate the alias at which the limit was passed.
	Line, Column int
	// Anchor is the anchor the alias names, when the node there is an
	// alias.
	Anchor string
	// Limit is the most nodes aliases may add (Limits.MaxAliasNodes).
	Limit int64
	// Recursive is true for an alias inside the node its anchor names.
	Recursive bool
}

func (e *AliasError) Error() string {
	if e.Recursive {
		return fmt.Sprintf("alias *%s refers to a node that contains it", e.Anchor)
	}
	return fmt.Sprintf("YAML aliases add more than %d nodes when expanded (an alias bomb?): write the repeated parts out, or nest fewer aliases", e.Limit)
}

// Is makes the error match ErrBound.
func (e *AliasError) Is(target error) bool { return target == ErrBound }
