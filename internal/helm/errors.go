package helm

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrPending is matched (with errors.Is) by PendingReleaseError.
var ErrPending = errors.New("release has an operation pending")

// ErrUnreachable is matched by ClusterUnreachableError.
var ErrUnreachable = errors.New("kubernetes cluster unreachable")

// PendingReleaseError means the release's last revision is still
// pending-install, pending-upgrade or pending-rollback: either another
// deploy of it is running now, or one was killed before it could record
// its outcome. Helm refuses to change such a release, and tierdeploy does
// not override it: someone must check that no deploy is running and then
// run Recovery.
type PendingReleaseError struct {
	Release   string
	Namespace string
	// Status is the pending status, such as "pending-upgrade".
	Status string
	// Revision is the pending revision; Since is when it started.
	Revision int
	Since    time.Time
	// Recovery is the command that ends the pending state: a rollback to
	// the last deployed revision, or an uninstall when there is none.
	Recovery string
}

func (e *PendingReleaseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "helm release %s in namespace %s is %s at revision %d", e.Release, e.Namespace, e.Status, e.Revision)
	if !e.Since.IsZero() {
		fmt.Fprintf(&b, " since %s", e.Since.UTC().Format(time.RFC3339))
	}
	b.WriteString(": another deploy of it is running, or one was interrupted before it finished; " +
		"if none is running, recover with `" + e.Recovery + "` and deploy again")
	return b.String()
}

// Unwrap returns ErrPending.
func (e *PendingReleaseError) Unwrap() error { return ErrPending }

// ClusterUnreachableError means the Kubernetes API server did not answer.
// Plan works without it (it renders client-side and says so); Apply and
// Drift do not.
type ClusterUnreachableError struct {
	// Context is the kubeconfig context, empty for the current one.
	Context string
	Err     error
}

func (e *ClusterUnreachableError) Error() string {
	where := "the current kubeconfig context"
	if e.Context != "" {
		where = fmt.Sprintf("kubeconfig context %q", e.Context)
	}
	return fmt.Sprintf("kubernetes cluster of %s unreachable: %v", where, e.Err)
}

// Unwrap returns the underlying failure.
func (e *ClusterUnreachableError) Unwrap() error { return e.Err }

// Is reports whether target is ErrUnreachable.
func (e *ClusterUnreachableError) Is(target error) bool { return target == ErrUnreachable }

// ChartError means the release's chart could not be found, fetched, loaded
// or rendered.
type ChartError struct {
	// Chart says where the chart comes from: a path, "name version from
	// repo" or an oci:// reference.
	Chart string
	Err   error
}

func (e *ChartError) Error() string { return fmt.Sprintf("chart %s: %v", e.Chart, e.Err) }

// Unwrap returns the underlying failure.
func (e *ChartError) Unwrap() error { return e.Err }

// MissingInventoryKeyError means a key that inventory_values maps into the
// release's values is not in the inventory. Err is the inventory's
// *inventory.KeyError (naming the environment and the commit the inventory
// was published at) or, when there is no inventory at all,
// inventory.ErrNotFound.
type MissingInventoryKeyError struct {
	Release string
	// Value is the chart value path; Key is the inventory key.
	Value string
	Key   string
	// Environment is the environment whose inventory was read.
	Environment string
	Err         error
}

func (e *MissingInventoryKeyError) Error() string {
	return fmt.Sprintf("helm release %s: inventory_values %s: %v", e.Release, e.Value, e.Err)
}

// Unwrap returns the inventory's error.
func (e *MissingInventoryKeyError) Unwrap() error { return e.Err }

// SchemaError means the release's values break the chart's values schema
// (values.schema.json) at the listed places. Plan returns it, within a
// *ChartError, when it checks values itself (while planning with stand-ins
// for values known only after apply); otherwise Helm's own check reports.
type SchemaError struct {
	// Violations are "/path/to/value: what is wrong".
	Violations []string
}

func (e *SchemaError) Error() string {
	return "the values do not match the chart's values schema: " + strings.Join(e.Violations, "; ")
}
