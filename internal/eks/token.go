package eks

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const (
	// Prefix starts every token: the version of the token format.
	Prefix = "k8s-aws-v1."
	// ClusterHeader is the signed header that names the cluster a token is
	// for.
	ClusterHeader = "x-k8s-aws-id"
	// Lifetime is how long a cluster accepts a token after its signing
	// time (X-Amz-Date): STS accepts a presigned GetCallerIdentity for 15
	// minutes whatever X-Amz-Expires says.
	Lifetime = 15 * time.Minute
	// presignExpires is the X-Amz-Expires of the URL, in seconds. STS
	// ignores it; authenticators older than 0.3.1 refuse more than 60.
	presignExpires = 60
	// maxTokenLen is the largest token EKS's authenticator reads.
	maxTokenLen = 4096
)

// clusterNameRE matches an EKS cluster name.
var clusterNameRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$`)

// Token is a bearer token for one EKS cluster. Its String and LogValue
// never show Value.
type Token struct {
	// Value is the token to send as "Authorization: Bearer <Value>".
	Value string
	// Cluster is the cluster name it is made for.
	Cluster string
	// Signed is its signing time; Expires is when the cluster stops
	// accepting it: Signed+Lifetime, or earlier when the credentials that
	// signed it expire first.
	Signed, Expires time.Time
}

// String describes the token without its value.
func (t Token) String() string {
	return fmt.Sprintf("EKS token for cluster %q, signed %s, expires %s", t.Cluster,
		t.Signed.UTC().Format(time.RFC3339), t.Expires.UTC().Format(time.RFC3339))
}

// GoString is String, so that %#v does not print the value either.
func (t Token) GoString() string { return t.String() }

// LogValue logs the token without its value.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("cluster", t.Cluster), slog.Time("signed", t.Signed), slog.Time("expires", t.Expires))
}

// encode makes a token of a presigned URL.
func encode(presignedURL string) string {
	return Prefix + base64.RawURLEncoding.EncodeToString([]byte(presignedURL))
}

// signer presigns with the SDK's SigV4 signer at a fixed time, so that the
// token's X-Amz-Date is the source's clock.
type signer struct {
	v4 *v4.Signer
	at time.Time
}

func (s signer) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return s.v4.PresignHTTP(ctx, creds, r, payloadHash, service, region, s.at, optFns...)
}

// presign returns the presigned GetCallerIdentity URL for cluster, signed
// with creds at time at.
func presign(ctx context.Context, client *sts.PresignClient, creds aws.Credentials, cluster string, at time.Time) (string, error) {
	req, err := client.PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(po *sts.PresignOptions) {
		po.Presigner = signer{v4: v4.NewSigner(), at: at}
		po.ClientOptions = append(po.ClientOptions, func(o *sts.Options) {
			o.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
			o.APIOptions = append(o.APIOptions,
				smithyhttp.SetHeaderValue(ClusterHeader, cluster),
				// An X-Amz- header is moved into the signed query.
				smithyhttp.SetHeaderValue("X-Amz-Expires", strconv.Itoa(presignExpires)))
		})
	})
	if err != nil {
		return "", fmt.Errorf("presign GetCallerIdentity: %w", err)
	}
	if req.Method != http.MethodGet {
		return "", fmt.Errorf("presign GetCallerIdentity: the SDK made a %s request, not GET", req.Method)
	}
	if _, ok := req.SignedHeader[http.CanonicalHeaderKey(ClusterHeader)]; !ok {
		return "", fmt.Errorf("presign GetCallerIdentity: the SDK did not sign the %s header", ClusterHeader)
	}
	return req.URL, nil
}
