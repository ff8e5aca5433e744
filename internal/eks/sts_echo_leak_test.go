package eks

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An STS endpoint (a proxy, an emulator, a misconfigured AWS_ENDPOINT_URL)
// whose error echoes the request puts the job's session token and request
// signature into the AssumeRole error. A TokenError never holds the
// credentials that signed the request, however the endpoint words it.
func TestSTSErrorEchoingTheRequestDoesNotLeakCredentials(t *testing.T) {
	const (
		session = "IQoJb3JpZ2luX2VjEPLANTEDSESSIONTOKEN0123456789"
		secret  = "wJalrXUtnFEMI/K7MDENG/PLANTEDSECRETKEY"
	)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>%s</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
			html.EscapeString(fmt.Sprintf("denied %s: X-Amz-Security-Token=%s Authorization=%s body=%s escaped=%s",
				r.URL, r.Header.Get("X-Amz-Security-Token"), r.Header.Get("Authorization"), body, url.QueryEscape(session))))
	}))
	t.Cleanup(echo.Close)
	cfg := aws.Config{
		Region: "eu-west-1", BaseEndpoint: aws.String(echo.URL), RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "ASIAPLANTED000000001", SecretAccessKey: secret, SessionToken: session}, nil
		}),
	}
	src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "meltano-prod", RoleARN: "arn:aws:iam::444455556666:role/deployer"})
	require.NoError(t, err)
	_, err = src.Token(t.Context())
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), "AccessDenied", "the error still says what happened")
	assert.NotContains(t, err.Error(), session)
	assert.NotContains(t, err.Error(), url.QueryEscape(session))
	assert.NotContains(t, err.Error(), secret)
	assert.NotRegexp(t, `(?i)signature=[0-9a-f]{64}`, err.Error(), "the request signature is not shown")
}
