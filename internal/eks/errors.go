package eks

import (
	"errors"
	"fmt"
)

// ErrNoRegion means no region was given and the AWS configuration has none.
var ErrNoRegion = errors.New("no AWS region to sign EKS tokens in: set cluster.eks.region, or AWS_REGION")

// TokenError means no token could be made for a cluster: the credentials
// could not be read, the role could not be assumed, or the request could
// not be signed. Its message never holds a credential or a token.
type TokenError struct {
	// Cluster is the EKS cluster name.
	Cluster string
	// Role is the role that was to be assumed, empty for none.
	Role string
	Err  error
}

func (e *TokenError) Error() string {
	if e.Role != "" {
		return fmt.Sprintf("EKS token for cluster %q: assume role %s: %v", e.Cluster, e.Role, e.Err)
	}
	return fmt.Sprintf("EKS token for cluster %q: %v", e.Cluster, e.Err)
}

// Unwrap returns the underlying failure.
func (e *TokenError) Unwrap() error { return e.Err }
