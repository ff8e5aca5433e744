package ssmstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// ErrNotFound is inventory.ErrNotFound: no parameter holds the environment's
// inventory yet.
var ErrNotFound = inventory.ErrNotFound

// ErrTooLarge is matched by TooLargeError, and by the error PutApplied
// returns for an apply record that does not fit in a parameter.
var ErrTooLarge = errors.New("inventory too large for ssm")

// TooLargeError means a document does not fit in an SSM parameter. It names
// the keys that take the most room, so the user knows which outputs to leave
// out of the inventory.
type TooLargeError struct {
	Parameter string
	Size      int
	Limit     int
	// Largest are the largest top-level keys, largest first.
	Largest []inventory.KeySize
}

func (e *TooLargeError) Error() string {
	parts := make([]string, len(e.Largest))
	for i, k := range e.Largest {
		parts[i] = fmt.Sprintf("%s (%d bytes, %d%%)", k.Key, k.Bytes, k.Bytes*100/max(e.Size, 1))
	}
	return fmt.Sprintf("the inventory is %d bytes, more than the %d bytes ssm parameter %s can hold in the Advanced tier; "+
		"the largest keys are %s: leave outputs out of the inventory or make them smaller",
		e.Size, e.Limit, e.Parameter, strings.Join(parts, ", "))
}

// Unwrap returns ErrTooLarge.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// errorCode returns the service error code of err, such as
// "ParameterNotFound", or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
