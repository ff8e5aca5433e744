package eks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultRefreshBefore is how long before its expiry a token is replaced.
// It leaves room for requests in flight and for a clock that is a few
// minutes off.
const DefaultRefreshBefore = 5 * time.Minute

// DefaultSessionName names the session of an assumed role.
const DefaultSessionName = "tierdeploy"

// roleSession is how long an assumed role's credentials last: an hour, the
// longest that role chaining (a web identity, then the role) allows.
const roleSession = time.Hour

// Options configure a TokenSource.
type Options struct {
	// AWS holds the region and the credentials that sign the tokens (see
	// LoadAWSConfig). Its endpoint settings apply to STS.
	AWS aws.Config
	// Log receives one debug message per token signed (never the token).
	// Nil discards it.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	// ClusterName is the EKS cluster the tokens are for.
	ClusterName string
	// RoleARN is assumed with the AWS credentials before signing, when
	// set; the tokens then carry the role's identity.
	RoleARN string
	// SessionName names the role session; empty means
	// DefaultSessionName.
	SessionName string
	// Region signs the tokens (and assumes the role); empty means
	// AWS.Region.
	Region string
	// RefreshBefore is how long before its expiry a token is replaced;
	// zero means DefaultRefreshBefore.
	RefreshBefore time.Duration
}

// TokenSource makes the tokens of one EKS cluster and keeps the last one
// until it is about to expire. It is safe for concurrent use.
type TokenSource struct {
	log     *slog.Logger
	now     func() time.Time
	cluster string
	role    string
	refresh time.Duration
	creds   aws.CredentialsProvider
	client  *sts.PresignClient

	mu  sync.Mutex
	tok Token
}

// NewTokenSource checks opts and returns a source; it signs nothing and
// contacts nothing until the first Token.
func NewTokenSource(opts Options) (*TokenSource, error) {
	if !clusterNameRE.MatchString(opts.ClusterName) {
		return nil, fmt.Errorf("EKS cluster name %q is not valid: 1 to 100 letters, digits, - and _, starting with a letter or digit", opts.ClusterName)
	}
	cfg := opts.AWS.Copy()
	if opts.Region != "" {
		cfg.Region = opts.Region
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	if cfg.Credentials == nil {
		return nil, &TokenError{Cluster: opts.ClusterName, Err: errors.New("no AWS credentials are configured")}
	}
	s := &TokenSource{log: opts.Log, now: opts.Now, cluster: opts.ClusterName, role: opts.RoleARN, refresh: opts.RefreshBefore, creds: cfg.Credentials}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.refresh <= 0 {
		s.refresh = DefaultRefreshBefore
	}
	if s.refresh >= Lifetime {
		return nil, fmt.Errorf("EKS token refresh %s must be shorter than the token lifetime %s", s.refresh, Lifetime)
	}
	client := sts.NewFromConfig(cfg)
	if opts.RoleARN != "" {
		session := opts.SessionName
		if session == "" {
			session = DefaultSessionName
		}
		s.creds = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, opts.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = session
			o.Duration = roleSession
		}), func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = CredentialsExpiryWindow })
	}
	s.client = sts.NewPresignClient(client)
	return s, nil
}

// Token returns a token valid for at least RefreshBefore, signing a new
// one when the last is older. It is what a Kubernetes client asks before
// every request.
func (s *TokenSource) Token(ctx context.Context) (string, error) {
	t, err := s.Current(ctx)
	return t.Value, err
}

// Current is Token with the token's cluster and times. A failure is a
// *TokenError.
func (s *TokenSource) Current(ctx context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.tok.Value != "" && now.Before(s.tok.Expires.Add(-s.refresh)) {
		return s.tok, nil
	}
	fail := func(err error) (Token, error) {
		return Token{}, &TokenError{Cluster: s.cluster, Role: s.role, Err: err}
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return fail(fmt.Errorf("read AWS credentials: %w", err))
	}
	u, err := presign(ctx, s.client, creds, s.cluster, now)
	if err != nil {
		return fail(err)
	}
	t := Token{Value: encode(u), Cluster: s.cluster, Signed: now, Expires: now.Add(Lifetime)}
	if creds.CanExpire && creds.Expires.Before(t.Expires) {
		t.Expires = creds.Expires
	}
	if len(t.Value) > maxTokenLen {
		return fail(fmt.Errorf("the token is %d bytes, more than the %d EKS reads (is the session token unusually long?)", len(t.Value), maxTokenLen))
	}
	s.tok = t
	s.log.DebugContext(ctx, "EKS token signed", "token", t)
	return t, nil
}

// maxClockSkew is how far ahead of a server's clock a signing time may be.
const maxClockSkew = 5 * time.Minute

// Explain says why a cluster whose clock read serverTime may have refused
// token, when token is the source's last: it had expired by the server's
// clock, or it was signed in the server's future; both mean that this
// machine's clock is wrong. It returns "" when neither holds (the token
// was then refused for its cluster name or its identity) or when token is
// not the source's.
func (s *TokenSource) Explain(token string, serverTime time.Time) string {
	s.mu.Lock()
	t := s.tok
	s.mu.Unlock()
	if token == "" || token != t.Value || serverTime.IsZero() {
		return ""
	}
	const layout = "2006-01-02T15:04:05Z"
	signed, server := t.Signed.UTC().Format(layout), serverTime.UTC().Format(layout)
	switch {
	case serverTime.After(t.Signed.Add(Lifetime)):
		return fmt.Sprintf("the token has expired: it was signed at %s by this machine's clock, more than %s before "+
			"the API server's time %s (set this machine's clock right)", signed, Lifetime, server)
	case t.Signed.After(serverTime.Add(maxClockSkew)):
		return fmt.Sprintf("the token was signed at %s by this machine's clock, after the API server's time %s "+
			"(set this machine's clock right)", signed, server)
	}
	return ""
}
