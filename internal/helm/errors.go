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

// ClusterUnreachableError means the Kubernetes API server did not answer,
// or that the cluster is known only after apply. Plan works without it
// (it renders client-side and says so); Apply and Drift do not.
type ClusterUnreachableError struct {
	// Context is the kubeconfig context, empty for the current one.
	Context string
	// Cluster names the cluster of a Connection ("EKS cluster x"); empty
	// when the kubeconfig is used.
	Cluster string
	Err     error
}

func (e *ClusterUnreachableError) Error() string {
	if e.Cluster != "" {
		return fmt.Sprintf("kubernetes %s unreachable: %v", e.Cluster, e.Err)
	}
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

// ErrClusterAuth is matched by ClusterAuthError.
var ErrClusterAuth = errors.New("kubernetes cluster connection refused")

// AuthReason says why a Connection failed.
type AuthReason int

// Reasons of a ClusterAuthError.
const (
	// AuthTokenRefused: the API server answered 401 Unauthorized.
	AuthTokenRefused AuthReason = iota + 1
	// AuthUntrustedCertificate: the server's certificate is not signed by
	// the connection's CA (or not for its host).
	AuthUntrustedCertificate
	// AuthNoToken: no token could be made.
	AuthNoToken
)

// ClusterAuthError means a Connection is wrong in a way no client-side
// rendering can work around: the server refused the token, its certificate
// is not the CA's, or no token could be made. Plan, Apply and Drift all
// fail with it. The API server does not tell a client why it refused a
// token; the message lists the causes.
type ClusterAuthError struct {
	// Cluster names the cluster; Endpoint is its URL.
	Cluster, Endpoint string
	Reason            AuthReason
	// Explanation is why the token source thinks a refused token was
	// refused, such as its expiry by the server's clock; empty when it
	// sees no reason. ServerTimeKnown is true when the server's clock was
	// compared with the token's.
	Explanation     string
	ServerTimeKnown bool
	Err             error
}

func (e *ClusterAuthError) Error() string {
	switch {
	case e.Reason == AuthTokenRefused && e.Explanation != "":
		return fmt.Sprintf("%s at %s refused the token (401 Unauthorized): %s", e.Cluster, e.Endpoint, e.Explanation)
	case e.Reason == AuthTokenRefused && e.ServerTimeKnown:
		// The token was fresh by the server's clock.
		return fmt.Sprintf("%s at %s refused the token (401 Unauthorized): the token is for another cluster "+
			"(check cluster.eks.cluster_name) or its AWS identity has no access entry in the cluster", e.Cluster, e.Endpoint)
	case e.Reason == AuthTokenRefused:
		return fmt.Sprintf("%s at %s refused the token (401 Unauthorized): the token is for another cluster "+
			"(check cluster.eks.cluster_name), has expired (check this machine's clock), "+
			"or its AWS identity has no access entry in the cluster", e.Cluster, e.Endpoint)
	case e.Reason == AuthUntrustedCertificate:
		return fmt.Sprintf("%s at %s presents a certificate that the CA of cluster.ca_data does not trust "+
			"(check that the inventory's endpoint and CA are the same cluster's): %v", e.Cluster, e.Endpoint, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.Cluster, e.Err)
	}
}

// Unwrap returns the underlying failure.
func (e *ClusterAuthError) Unwrap() error { return e.Err }

// Is reports whether target is ErrClusterAuth.
func (e *ClusterAuthError) Is(target error) bool { return target == ErrClusterAuth }
