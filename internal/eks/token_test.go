package eks

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/ststest"
)

func TestTokenForm(t *testing.T) {
	clk := newClock()
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	s.AddIdentity(ci)
	src, err := NewTokenSource(Options{AWS: awsConfig(s, ci), ClusterName: "meltano-staging", Now: clk.Now})
	require.NoError(t, err)
	tok, err := src.Current(t.Context())
	require.NoError(t, err)

	// k8s-aws-v1. and unpadded base64url.
	assert.Regexp(t, `^k8s-aws-v1\.[A-Za-z0-9_-]+$`, tok.Value)
	assert.LessOrEqual(t, len(tok.Value), maxTokenLen)
	assert.Equal(t, clk.Now(), tok.Signed)
	assert.Equal(t, clk.Now().Add(15*time.Minute), tok.Expires)

	u := decode(t, tok.Value)
	assert.Equal(t, s.Host(), u.Host)
	assert.Equal(t, "/", u.Path)
	q := u.Query()
	assert.Equal(t, "GetCallerIdentity", q.Get("Action"))
	assert.Equal(t, "2011-06-15", q.Get("Version"))
	assert.Equal(t, "AWS4-HMAC-SHA256", q.Get("X-Amz-Algorithm"))
	assert.Equal(t, ci.AccessKeyID+"/"+clk.Now().Format("20060102")+"/eu-west-1/sts/aws4_request", q.Get("X-Amz-Credential"))
	assert.Equal(t, clk.Now().Format("20060102T150405Z"), q.Get("X-Amz-Date"))
	assert.Equal(t, "60", q.Get("X-Amz-Expires"))
	assert.Equal(t, "host;x-k8s-aws-id", q.Get("X-Amz-SignedHeaders"))
	assert.Regexp(t, `^[0-9a-f]{64}$`, q.Get("X-Amz-Signature"))
	assert.False(t, q.Has("X-Amz-Security-Token"), "long-term keys have no session token")
	for k := range q {
		assert.Contains(t, []string{"Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
			"X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"}, k, "EKS refuses other parameters")
	}

	// STS accepts it for its cluster only, and says who signed it.
	code, body := callSTS(t, tok.Value, "meltano-staging")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, ci.ARN)
	code, _ = callSTS(t, tok.Value, "meltano-prod")
	assert.Equal(t, http.StatusForbidden, code)
	reqs := s.Requests()
	require.Len(t, reqs, 2)
	assert.Nil(t, reqs[0].Err)
	assert.Equal(t, "60", reqs[0].Expires)
	assert.Equal(t, "SignatureDoesNotMatch", reqs[1].Err.Code)

	// Neither the value nor the signature shows in the token's texts.
	for _, text := range []string{tok.String(), fmt.Sprintf("%v %+v %#v", tok, tok, tok)} {
		assert.NotContains(t, text, tok.Value)
		assert.NotContains(t, text, q.Get("X-Amz-Signature"))
		assert.Contains(t, text, `cluster "meltano-staging"`)
	}
}

func TestTokenWithSessionCredentials(t *testing.T) {
	clk := newClock()
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	session := ststest.Identity{AccessKeyID: "ASIASESSION000000001", SecretAccessKey: "session-secret", SessionToken: "SESSION-TOKEN-MARKER",
		ARN: "arn:aws:sts::111122223333:assumed-role/gh/run-1", UserID: "AROAGH:run-1", Expires: clk.Now().Add(12 * time.Minute)}
	s.AddIdentity(session)
	creds := &countingCreds{creds: aws.Credentials{AccessKeyID: session.AccessKeyID, SecretAccessKey: session.SecretAccessKey,
		SessionToken: session.SessionToken, CanExpire: true, Expires: session.Expires}}
	cfg := awsConfig(s, session)
	cfg.Credentials = creds
	src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "c1", Now: clk.Now})
	require.NoError(t, err)
	tok, err := src.Current(t.Context())
	require.NoError(t, err)
	q := decode(t, tok.Value).Query()
	assert.Equal(t, "SESSION-TOKEN-MARKER", q.Get("X-Amz-Security-Token"))
	assert.Equal(t, session.Expires, tok.Expires, "the token lasts no longer than the credentials that signed it")
	code, body := callSTS(t, tok.Value, "c1")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, session.ARN)

	// The credentials' expiry drives the refresh: at 12-5 minutes.
	clk.Add(6*time.Minute + 59*time.Second)
	same, err := src.Token(t.Context())
	require.NoError(t, err)
	assert.Equal(t, tok.Value, same)
	clk.Add(time.Second)
	creds.creds.Expires = clk.Now().Add(time.Hour)
	fresh, err := src.Current(t.Context())
	require.NoError(t, err)
	assert.NotEqual(t, tok.Value, fresh.Value)
	assert.Equal(t, clk.Now().Add(Lifetime), fresh.Expires)
	assert.Equal(t, 2, creds.count())
}

func TestTokenRefresh(t *testing.T) {
	clk := newClock()
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	s.AddIdentity(ci)
	creds := &countingCreds{creds: aws.Credentials{AccessKeyID: ci.AccessKeyID, SecretAccessKey: ci.SecretAccessKey}}
	cfg := awsConfig(s, ci)
	cfg.Credentials = creds
	src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "meltano-staging", Now: clk.Now})
	require.NoError(t, err)
	ctx := t.Context()

	first, err := src.Current(ctx)
	require.NoError(t, err)
	clk.Add(10*time.Minute - time.Second)
	again, err := src.Current(ctx)
	require.NoError(t, err)
	assert.Equal(t, first, again, "kept while more than 5 minutes remain")
	assert.Equal(t, 1, creds.count())
	clk.Add(time.Second)
	next, err := src.Current(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, first.Value, next.Value)
	assert.Equal(t, clk.Now(), next.Signed)
	assert.Equal(t, clk.Now().Format("20060102T150405Z"), decode(t, next.Value).Query().Get("X-Amz-Date"))

	// A wait of 40 minutes, one request every 30 seconds: every token sent
	// is accepted by STS at the time it is sent, and the first has
	// expired by the end.
	signed := map[string]bool{}
	for range 80 {
		clk.Add(30 * time.Second)
		v, err := src.Token(ctx)
		require.NoError(t, err)
		signed[v] = true
		code, body := callSTS(t, v, "meltano-staging")
		require.Equal(t, http.StatusOK, code, "at %s: %s", clk.Now(), body)
	}
	assert.Equal(t, 5, len(signed), "a new token every 10 minutes: the one signed at 10, then at 20, 30, 40 and 50")
	code, body := callSTS(t, first.Value, "meltano-staging")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, body, "ExpiredToken")
}

func TestTokenConcurrentCallersShareOneSigning(t *testing.T) {
	clk := newClock()
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	creds := &countingCreds{creds: aws.Credentials{AccessKeyID: ci.AccessKeyID, SecretAccessKey: ci.SecretAccessKey}}
	cfg := awsConfig(s, ci)
	cfg.Credentials = creds
	src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "c", Now: clk.Now})
	require.NoError(t, err)
	var wg sync.WaitGroup
	tokens := make([]string, 16)
	for i := range tokens {
		wg.Go(func() {
			v, err := src.Token(t.Context())
			assert.NoError(t, err)
			tokens[i] = v
		})
	}
	wg.Wait()
	assert.Equal(t, 1, creds.count())
	for _, v := range tokens {
		assert.Equal(t, tokens[0], v)
	}
}

func TestAssumeRoleFirst(t *testing.T) {
	clk := newClock()
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	s.AddIdentity(ci)
	const role = "arn:aws:iam::444455556666:role/deployer"
	s.AddRole(ststest.Role{ARN: role, Trusted: []string{ci.ARN}})
	var logs bytes.Buffer
	src, err := NewTokenSource(Options{AWS: awsConfig(s, ci), ClusterName: "meltano-prod", RoleARN: role, Now: clk.Now,
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	tok, err := src.Current(t.Context())
	require.NoError(t, err)
	q := decode(t, tok.Value).Query()
	assert.True(t, strings.HasPrefix(q.Get("X-Amz-Credential"), "ASIA"), "signed with the role's session keys")
	assert.NotEmpty(t, q.Get("X-Amz-Security-Token"))
	code, body := callSTS(t, tok.Value, "meltano-prod")
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, "arn:aws:sts::444455556666:assumed-role/deployer/tierdeploy")
	assert.Equal(t, "AssumeRole", s.Requests()[0].Action)
	// The role's session lasts an hour, so the token its full 15 minutes.
	assert.Equal(t, clk.Now().Add(Lifetime), tok.Expires)
	assert.Contains(t, logs.String(), "EKS token signed")
	assert.NotContains(t, logs.String(), tok.Value)
	assert.NotContains(t, logs.String(), q.Get("X-Amz-Security-Token"))

	// A role that does not trust the job: one sentence naming role and
	// cluster, without the keys.
	src, err = NewTokenSource(Options{AWS: awsConfig(s, ci), ClusterName: "meltano-prod", RoleARN: "arn:aws:iam::444455556666:role/other", Now: clk.Now})
	require.NoError(t, err)
	_, err = src.Token(t.Context())
	var te *TokenError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), `EKS token for cluster "meltano-prod": assume role arn:aws:iam::444455556666:role/other: `)
	assert.Contains(t, err.Error(), "AccessDenied")
	assert.NotContains(t, err.Error(), ci.SecretAccessKey)
	assert.NotContains(t, err.Error(), "\n")
}

func TestNewTokenSourceChecks(t *testing.T) {
	s := ststest.New(t, ststest.Options{})
	base := awsConfig(s, ci)
	noRegion := base.Copy()
	noRegion.Region = ""
	noCreds := base.Copy()
	noCreds.Credentials = nil
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{name: "empty name", opts: Options{AWS: base}, want: `EKS cluster name "" is not valid`},
		{name: "header injection", opts: Options{AWS: base, ClusterName: "a\r\nX-Evil: 1"}, want: "is not valid"},
		{name: "too long", opts: Options{AWS: base, ClusterName: strings.Repeat("a", 101)}, want: "is not valid"},
		{name: "no region", opts: Options{AWS: noRegion, ClusterName: "a"}, want: "no AWS region to sign EKS tokens in: set cluster.eks.region, or AWS_REGION"},
		{name: "no credentials", opts: Options{AWS: noCreds, ClusterName: "a"}, want: `EKS token for cluster "a": no AWS credentials are configured`},
		{name: "refresh too long", opts: Options{AWS: base, ClusterName: "a", RefreshBefore: 15 * time.Minute}, want: "must be shorter than the token lifetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTokenSource(tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	// The region option wins over the configuration's.
	src, err := NewTokenSource(Options{AWS: noRegion, ClusterName: "a", Region: "ap-south-2"})
	require.NoError(t, err)
	tok, err := src.Token(t.Context())
	require.NoError(t, err)
	assert.Contains(t, decode(t, tok).Query().Get("X-Amz-Credential"), "/ap-south-2/sts/")
}

func TestCredentialFailureIsOneSentence(t *testing.T) {
	s := ststest.New(t, ststest.Options{})
	cfg := awsConfig(s, ci)
	cfg.Credentials = &countingCreds{err: fmt.Errorf("no EC2 IMDS role found")}
	src, err := NewTokenSource(Options{AWS: cfg, ClusterName: "meltano"})
	require.NoError(t, err)
	_, err = src.Token(context.Background())
	require.EqualError(t, err, `EKS token for cluster "meltano": read AWS credentials: no EC2 IMDS role found`)
	assert.Regexp(t, regexp.MustCompile(`^[^\n]+$`), err.Error())
}

func TestExplain(t *testing.T) {
	clk := newClock()
	s := ststest.New(t, ststest.Options{Now: clk.Now})
	src, err := NewTokenSource(Options{AWS: awsConfig(s, ci), ClusterName: "c", Now: clk.Now})
	require.NoError(t, err)
	tok, err := src.Current(t.Context())
	require.NoError(t, err)
	signed := tok.Signed.UTC().Format("2006-01-02T15:04:05Z")

	assert.Empty(t, src.Explain(tok.Value, clk.Now().Add(time.Minute)), "fresh by the server's clock")
	assert.Empty(t, src.Explain("another-token", clk.Now().Add(time.Hour)), "not this source's token")
	assert.Empty(t, src.Explain(tok.Value, time.Time{}), "no server time")
	assert.Equal(t, "the token has expired: it was signed at "+signed+" by this machine's clock, more than 15m0s before the API server's time "+
		clk.Now().Add(16*time.Minute).UTC().Format("2006-01-02T15:04:05Z")+" (set this machine's clock right)",
		src.Explain(tok.Value, clk.Now().Add(16*time.Minute)))
	assert.Contains(t, src.Explain(tok.Value, clk.Now().Add(-6*time.Minute)), "after the API server's time")
	assert.NotContains(t, src.Explain(tok.Value, clk.Now().Add(16*time.Minute)), tok.Value)
}
