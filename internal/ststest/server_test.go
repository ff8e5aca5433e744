package ststest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ci = Identity{AccessKeyID: "AKIACITESTKEY0000001", SecretAccessKey: "ci-secret-key", ARN: "arn:aws:iam::111122223333:user/ci", UserID: "AIDACI"}

// client is an SDK client of s with the identity's keys.
func client(s *Server, id Identity) *sts.Client {
	return sts.New(sts.Options{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(id.AccessKeyID, id.SecretAccessKey, id.SessionToken),
		RetryMaxAttempts: 1,
	})
}

func apiCode(t *testing.T, err error) string {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "not an API error: %v", err)
	return ae.ErrorCode()
}

func TestHeaderSignedCalls(t *testing.T) {
	s := New(t, Options{})
	s.AddIdentity(ci)
	out, err := client(s, ci).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, ci.ARN, aws.ToString(out.Arn))
	assert.Equal(t, "111122223333", aws.ToString(out.Account))

	wrong := ci
	wrong.SecretAccessKey = "another-secret"
	_, err = client(s, wrong).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	assert.Equal(t, "SignatureDoesNotMatch", apiCode(t, err))

	unknown := ci
	unknown.AccessKeyID = "AKIAUNKNOWN"
	_, err = client(s, unknown).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	assert.Equal(t, "InvalidClientTokenId", apiCode(t, err))

	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Nil(t, reqs[0].Err)
	assert.Equal(t, "GetCallerIdentity", reqs[0].Action)
	assert.Equal(t, "eu-west-1", reqs[0].Region)
	assert.False(t, reqs[0].Presigned)
}

func TestHeaderSignedClockSkew(t *testing.T) {
	now := time.Now().Add(10 * time.Minute)
	s := New(t, Options{Now: func() time.Time { return now }})
	s.AddIdentity(ci)
	_, err := client(s, ci).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	assert.Equal(t, "SignatureDoesNotMatch", apiCode(t, err))
	assert.Contains(t, s.Requests()[0].Err.Message, "Signature expired")
}

func TestAssumeRole(t *testing.T) {
	s := New(t, Options{})
	s.AddIdentity(ci)
	const role = "arn:aws:iam::444455556666:role/deployer"
	ctx := t.Context()
	_, err := client(s, ci).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("tierdeploy")})
	assert.Equal(t, "AccessDenied", apiCode(t, err), "the role does not trust ci yet")

	s.AddRole(Role{ARN: role, Trusted: []string{ci.ARN}})
	out, err := client(s, ci).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(role), RoleSessionName: aws.String("tierdeploy")})
	require.NoError(t, err)
	c := out.Credentials
	require.NotNil(t, c)
	assert.True(t, strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA"))
	assert.WithinDuration(t, time.Now().Add(time.Hour), aws.ToTime(c.Expiration), time.Minute)

	session := Identity{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}
	who, err := client(s, session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::444455556666:assumed-role/deployer/tierdeploy", aws.ToString(who.Arn))

	// The session's keys without its token are refused.
	session.SessionToken = ""
	_, err = client(s, session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	assert.Equal(t, "InvalidClientTokenId", apiCode(t, err))
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	s := New(t, Options{})
	const role = "arn:aws:iam::111122223333:role/ci-oidc"
	s.AddRole(Role{ARN: role, WebIdentityToken: "oidc-jwt"})
	c := sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(s.URL), RetryMaxAttempts: 1})
	_, err := c.AssumeRoleWithWebIdentity(t.Context(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("gh"), WebIdentityToken: aws.String("forged")})
	assert.Equal(t, "InvalidIdentityToken", apiCode(t, err))
	out, err := c.AssumeRoleWithWebIdentity(t.Context(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(role), RoleSessionName: aws.String("gh"), WebIdentityToken: aws.String("oidc-jwt")})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/ci-oidc/gh", aws.ToString(out.AssumedRoleUser.Arn))
}

// presign returns a presigned GetCallerIdentity URL with a signed header,
// made by the SDK.
func presign(t *testing.T, s *Server, id Identity, header, value string) string {
	t.Helper()
	pc := sts.NewPresignClient(client(s, id))
	req, err := pc.PresignGetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.ClientOptions = append(o.ClientOptions, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.SetHeaderValue(header, value))
		})
	})
	require.NoError(t, err)
	require.Equal(t, http.MethodGet, req.Method)
	return req.URL
}

func get(t *testing.T, url string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestPresignedRequests(t *testing.T) {
	now := time.Now()
	s := New(t, Options{Now: func() time.Time { return now }})
	s.AddIdentity(ci)
	u := presign(t, s, ci, "x-k8s-aws-id", "meltano-staging")

	// Signed for one header value: the same value passes, in JSON when
	// asked; another value, or none, fails.
	code, body := get(t, u, map[string]string{"x-k8s-aws-id": "meltano-staging", "Accept": "application/json"})
	require.Equal(t, http.StatusOK, code, body)
	var doc struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct{ Arn, UserId, Account string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	assert.Equal(t, ci.ARN, doc.GetCallerIdentityResponse.GetCallerIdentityResult.Arn)
	assert.Equal(t, "AIDACI", doc.GetCallerIdentityResponse.GetCallerIdentityResult.UserId)
	code, _ = get(t, u, map[string]string{"x-k8s-aws-id": "meltano-prod"})
	assert.Equal(t, http.StatusForbidden, code)
	code, _ = get(t, u, nil)
	assert.Equal(t, http.StatusForbidden, code)
	reqs := s.Requests()
	assert.Equal(t, "SignatureDoesNotMatch", reqs[1].Err.Code)
	assert.Contains(t, reqs[0].SignedHeaders, "x-k8s-aws-id")
	assert.True(t, reqs[0].Presigned)

	// A changed query parameter breaks the signature.
	code, _ = get(t, strings.Replace(u, "Action=GetCallerIdentity", "Action=GetCallerIdentity&Extra=1", 1), map[string]string{"x-k8s-aws-id": "meltano-staging"})
	assert.Equal(t, http.StatusForbidden, code)

	// 15 minutes after signing, it has expired.
	now = now.Add(15*time.Minute + time.Second)
	code, body = get(t, u, map[string]string{"x-k8s-aws-id": "meltano-staging"})
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, body, "<Code>ExpiredToken</Code>")
}
