package kubetest

import (
	"errors"
	"fmt"
	"strings"
)

// ErrExited reports that a component process ended while the cluster was
// starting.
var ErrExited = errors.New("process exited")

// ComponentError is a start-up failure that involves one component, with the
// end of that component's log, which usually says why.
type ComponentError struct {
	// Component is the process name, such as "kube-apiserver".
	Component string
	// Tail holds the last lines of the component's log.
	Tail string
	// Err is the underlying failure.
	Err error
}

// Error names the component, the failure and the tail of its log.
func (e *ComponentError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %v", e.Component, e.Err)
	if e.Tail != "" {
		fmt.Fprintf(&b, "\n--- last lines of the %s log ---\n%s", e.Component, strings.TrimRight(e.Tail, "\n"))
	}
	return b.String()
}

// Unwrap returns the underlying failure.
func (e *ComponentError) Unwrap() error { return e.Err }
