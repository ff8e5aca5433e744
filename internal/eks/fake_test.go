package eks

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/ststest"
)

// ci is the job's own identity at the fake STS.
var ci = ststest.Identity{AccessKeyID: "AKIACIKEY00000000001", SecretAccessKey: "ci-secret-MARKER-1", ARN: "arn:aws:iam::111122223333:user/ci", UserID: "AIDACI"}

// clock is a settable clock shared by a source and the fake STS.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingCreds hands out fixed credentials and counts the calls.
type countingCreds struct {
	mu    sync.Mutex
	calls int
	creds aws.Credentials
	err   error
}

func (c *countingCreds) Retrieve(context.Context) (aws.Credentials, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return c.creds, c.err
}

func (c *countingCreds) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// awsConfig is a configuration that reaches the fake STS with id's keys.
func awsConfig(s *ststest.Server, id ststest.Identity) aws.Config {
	return aws.Config{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey, SessionToken: id.SessionToken}, nil
		}),
		RetryMaxAttempts: 1,
	}
}

// decode returns the presigned URL inside a token.
func decode(t *testing.T, token string) *url.URL {
	t.Helper()
	require.True(t, strings.HasPrefix(token, Prefix), token)
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, Prefix))
	require.NoError(t, err)
	u, err := url.Parse(string(raw))
	require.NoError(t, err)
	return u
}

// callSTS calls the token's URL as an EKS authenticator does, with the
// cluster name in the signed header, and returns the status and body.
func callSTS(t *testing.T, token, cluster string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, decode(t, token).String(), nil)
	require.NoError(t, err)
	req.Header.Set(ClusterHeader, cluster)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}
