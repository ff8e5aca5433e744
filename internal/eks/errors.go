package eks

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// ErrNoRegion means no region was given and the AWS configuration has none.
var ErrNoRegion = errors.New("no AWS region to sign EKS tokens in: set cluster.eks.region, or AWS_REGION")

// TokenError means no token could be made for a cluster: the credentials
// could not be read, the role could not be assumed, or the request could
// not be signed. Its message never holds a credential or a token: an STS
// endpoint whose error echoes the request (a proxy, an emulator) would put
// the session token and the request's signature there, which are enough to
// replay the AssumeRole call for minutes; they are masked.
type TokenError struct {
	// Cluster is the EKS cluster name.
	Cluster string
	// Role is the role that was to be assumed, empty for none.
	Role string
	Err  error
	// hide are the credential values to mask in Err's text.
	hide []string
}

func (e *TokenError) Error() string {
	msg := scrub(fmt.Sprint(e.Err), e.hide)
	if e.Role != "" {
		return fmt.Sprintf("EKS token for cluster %q: assume role %s: %s", e.Cluster, e.Role, msg)
	}
	return fmt.Sprintf("EKS token for cluster %q: %s", e.Cluster, msg)
}

// signatureRE matches a SigV4 signature in a header or a query.
var signatureRE = regexp.MustCompile(`(?i)(signature=)[0-9a-f]{64}`)

// scrub masks the secrets, in every form the masker knows (URL-encoded
// included), and any SigV4 signature in msg.
func scrub(msg string, secrets []string) string {
	var all []string
	for _, s := range secrets {
		if s != "" {
			all = append(all, s, url.QueryEscape(s))
		}
	}
	return signatureRE.ReplaceAllString(redact.New(all...).String(msg), "${1}"+redact.Mask)
}

// Unwrap returns the underlying failure.
func (e *TokenError) Unwrap() error { return e.Err }
