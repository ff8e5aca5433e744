package tier

import (
	"fmt"
	"strings"
)

// UnknownError means a --tier or --environment filter names nothing that is
// configured.
type UnknownError struct {
	What  string // "tier" or "environment"
	Name  string
	Known []string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("%s %q is not in the configuration (configured: %s)", e.What, e.Name, strings.Join(e.Known, ", "))
}
