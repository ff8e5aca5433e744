package ekstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authnv1 "k8s.io/api/authentication/v1"

	"github.com/tierdeploy/tierdeploy/internal/eks"
	"github.com/tierdeploy/tierdeploy/internal/ststest"
)

var ci = ststest.Identity{AccessKeyID: "AKIACIKEY00000000001", SecretAccessKey: "ci-secret", ARN: "arn:aws:iam::111122223333:user/ci", UserID: "AIDACI"}

const deployer = "arn:aws:iam::111122223333:role/deployer"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// setup returns an authenticator for cluster meltano with a fake STS that
// knows ci and the deployer role, all on one clock.
func setup(t *testing.T) (*Authenticator, *ststest.Server, *clock) {
	t.Helper()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	s.AddIdentity(ci)
	s.AddRole(ststest.Role{ARN: deployer, Trusted: []string{ci.ARN}})
	a := &Authenticator{ClusterName: "meltano", STS: s.URL, Now: clk.Now, Users: map[string]User{
		deployer: {Username: "deployer:{{SessionName}}", Groups: []string{"tierdeploy:deployers"}},
		ci.ARN:   {Username: "ci"},
	}}
	return a, s, clk
}

func token(t *testing.T, s *ststest.Server, clk *clock, cluster, role string) string {
	t.Helper()
	src, err := eks.NewTokenSource(eks.Options{ClusterName: cluster, RoleARN: role, Now: clk.Now, AWS: aws.Config{
		Region: "eu-west-1", BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: ci.AccessKeyID, SecretAccessKey: ci.SecretAccessKey}, nil
		}),
	}})
	require.NoError(t, err)
	v, err := src.Token(t.Context())
	require.NoError(t, err)
	return v
}

func TestAuthenticate(t *testing.T) {
	a, s, clk := setup(t)
	u, id, err := a.Authenticate(t.Context(), token(t, s, clk, "meltano", deployer))
	require.NoError(t, err)
	assert.Equal(t, User{Username: "deployer:tierdeploy", Groups: []string{"tierdeploy:deployers"}}, u)
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/deployer/tierdeploy", id.ARN)
	assert.Equal(t, deployer, id.CanonicalARN)

	u, _, err = a.Authenticate(t.Context(), token(t, s, clk, "meltano", ""))
	require.NoError(t, err)
	assert.Equal(t, "ci", u.Username)
}

func TestAuthenticateRejects(t *testing.T) {
	a, s, clk := setup(t)
	good := token(t, s, clk, "meltano", "")
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(good, prefix))
	require.NoError(t, err)
	reencode := func(u string) string { return prefix + base64.RawURLEncoding.EncodeToString([]byte(u)) }
	tests := []struct {
		name  string
		token func() string
		want  string
	}{
		{name: "another cluster", token: func() string { return token(t, s, clk, "meltano-prod", "") }, want: "STS refused the token: SignatureDoesNotMatch"},
		{name: "expired", token: func() string {
			old := &clock{t: clk.Now().Add(-16 * time.Minute)}
			return token(t, s, old, "meltano", "")
		}, want: "token has expired: signed at "},
		{name: "no prefix", token: func() string { return strings.TrimPrefix(good, prefix) }, want: `token does not start with "k8s-aws-v1."`},
		{name: "padded base64", token: func() string { return good + "==" }, want: "not unpadded base64url"},
		{name: "too large", token: func() string { return good + strings.Repeat("A", 4096) }, want: "larger than 4096 bytes"},
		{name: "another host", token: func() string {
			return reencode(strings.Replace(string(raw), s.Host(), "169.254.169.254", 1))
		}, want: `token's URL names host "169.254.169.254", not the STS endpoint`},
		{name: "extra parameter", token: func() string { return reencode(string(raw) + "&Evil=1") }, want: `parameter "Evil", which is not allowed`},
		{name: "parameter twice", token: func() string { return reencode(string(raw) + "&Action=GetCallerIdentity") }, want: `gives parameter "Action" 2 times`},
		{name: "other action", token: func() string { return reencode(strings.Replace(string(raw), "GetCallerIdentity", "AssumeRole", 1)) }, want: `action "AssumeRole"`},
		{name: "cluster header not signed", token: func() string { return reencode(strings.Replace(string(raw), "host%3Bx-k8s-aws-id", "host", 1)) }, want: "does not sign the x-k8s-aws-id header"},
		{name: "long expiry", token: func() string {
			return reencode(strings.Replace(string(raw), "X-Amz-Expires=60", "X-Amz-Expires=86400", 1))
		}, want: `X-Amz-Expires "86400" is not from 0 to 900`},
		{name: "unmapped identity", token: func() string {
			s.AddIdentity(ststest.Identity{AccessKeyID: "AKIAOTHER", SecretAccessKey: "x", ARN: "arn:aws:iam::111122223333:user/other", UserID: "AIDAOTHER"})
			src, err := eks.NewTokenSource(eks.Options{ClusterName: "meltano", Now: clk.Now, AWS: aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(s.URL),
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: "AKIAOTHER", SecretAccessKey: "x"}, nil
				})}})
			require.NoError(t, err)
			v, err := src.Token(t.Context())
			require.NoError(t, err)
			return v
		}, want: "identity arn:aws:iam::111122223333:user/other is not mapped to a Kubernetes user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.Requests())
			_, _, err := a.Authenticate(t.Context(), tt.token())
			var re *RejectError
			require.ErrorAs(t, err, &re)
			assert.Contains(t, re.Reason, tt.want)
			if strings.HasPrefix(tt.want, "token") && tt.name != "expired" {
				// Refused before anything is fetched.
				assert.Len(t, s.Requests(), before, "STS was called")
			}
		})
	}
	// The good token still passes.
	_, _, err = a.Authenticate(t.Context(), good)
	require.NoError(t, err)
}

func TestWebhookTokenReview(t *testing.T) {
	a, s, clk := setup(t)
	wh := Serve(t, a)
	assert.Contains(t, string(wh.CAData), "BEGIN CERTIFICATE")
	srv := newClient(t, wh)
	for _, tc := range []struct {
		token string
		ok    bool
	}{{token(t, s, clk, "meltano", deployer), true}, {token(t, s, clk, "other", deployer), false}} {
		body, err := json.Marshal(authnv1.TokenReview{Spec: authnv1.TokenReviewSpec{Token: tc.token}})
		require.NoError(t, err)
		resp, err := srv.Post(wh.URL, "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		var out authnv1.TokenReview
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		_ = resp.Body.Close()
		assert.Equal(t, tc.ok, out.Status.Authenticated)
		if tc.ok {
			assert.Equal(t, "deployer:tierdeploy", out.Status.User.Username)
			assert.Equal(t, []string{"tierdeploy:deployers"}, out.Status.User.Groups)
		} else {
			assert.Contains(t, out.Status.Error, "SignatureDoesNotMatch")
		}
	}
	reviews := a.Reviews()
	require.Len(t, reviews, 2)
	assert.True(t, reviews[0].Authenticated)
	assert.Contains(t, reviews[1].Reason, "STS refused the token")
}

func TestCanonical(t *testing.T) {
	assert.Equal(t, "arn:aws:iam::1:role/a/b", canonical("arn:aws:sts::1:assumed-role/a/b/session"))
	assert.Equal(t, "arn:aws-cn:iam::1:role/r", canonical("arn:aws-cn:sts::1:assumed-role/r/s"))
	assert.Equal(t, "arn:aws:iam::1:user/u", canonical("arn:aws:iam::1:user/u"))
	assert.Equal(t, "arn:aws:sts::1:assumed-role/r", canonical("arn:aws:sts::1:assumed-role/r"))
}
