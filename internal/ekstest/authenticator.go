package ekstest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	prefix        = "k8s-aws-v1."
	clusterHeader = "x-k8s-aws-id"
	maxToken      = 4096
	lifetime      = 15 * time.Minute
)

// allowed are the query parameters a token's URL may have, lowercase.
var allowed = map[string]bool{
	"action": true, "version": true, "x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true,
	"x-amz-expires": true, "x-amz-security-token": true, "x-amz-signature": true, "x-amz-signedheaders": true,
}

// User is a Kubernetes user a caller is mapped to. "{{SessionName}}" in
// Username is replaced by the role session's name, as EKS access entries do.
type User struct {
	Username string
	Groups   []string
}

// Identity is who signed an accepted token.
type Identity struct {
	// ARN is what STS answered; CanonicalARN the role ARN of an
	// assumed-role session, or ARN.
	ARN, CanonicalARN string
	AccountID         string
	UserID            string
	SessionName       string
}

// RejectError is why a token was refused.
type RejectError struct {
	Reason string
}

func (e *RejectError) Error() string { return "token rejected: " + e.Reason }

func reject(format string, args ...any) error {
	return &RejectError{Reason: fmt.Sprintf(format, args...)}
}

// Review is one token review the authenticator answered.
type Review struct {
	Authenticated bool
	Username      string
	// Reason is why the token was refused, empty when it was accepted.
	Reason string
}

// Authenticator checks tokens for one cluster. Set its fields before use;
// its methods are safe for concurrent use.
type Authenticator struct {
	// ClusterName is the cluster's name: tokens must be made for it.
	ClusterName string
	// STS is the endpoint of STS (internal/ststest's URL): a token's URL
	// must name its scheme and host.
	STS string
	// Users maps canonical caller ARNs (arn:aws:iam::ACCOUNT:role/NAME for
	// a role's sessions) to Kubernetes users.
	Users map[string]User
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Client calls STS; nil means a client that follows no redirect.
	Client *http.Client

	mu      sync.Mutex
	reviews []Review
}

// Reviews returns the reviews answered so far, in order.
func (a *Authenticator) Reviews() []Review {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Review(nil), a.reviews...)
}

func (a *Authenticator) record(r Review) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reviews = append(a.reviews, r)
}

// Authenticate checks a token and returns the user it maps to. A refused
// token is a *RejectError.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (User, Identity, error) {
	id, err := a.Verify(ctx, token)
	if err != nil {
		return User{}, id, err
	}
	u, ok := a.Users[id.CanonicalARN]
	if !ok {
		return User{}, id, reject("identity %s is not mapped to a Kubernetes user", id.CanonicalARN)
	}
	u.Username = strings.ReplaceAll(u.Username, "{{SessionName}}", id.SessionName)
	return u, id, nil
}

// Verify checks that token is valid for the cluster and returns who signed
// it.
func (a *Authenticator) Verify(ctx context.Context, token string) (Identity, error) {
	sts, err := url.Parse(a.STS)
	if err != nil {
		return Identity{}, fmt.Errorf("STS endpoint %q: %w", a.STS, err)
	}
	if len(token) > maxToken {
		return Identity{}, reject("token is larger than %d bytes", maxToken)
	}
	if !strings.HasPrefix(token, prefix) {
		return Identity{}, reject("token does not start with %q", prefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, prefix))
	if err != nil {
		return Identity{}, reject("token is not unpadded base64url: %v", err)
	}
	u, err := url.Parse(string(raw))
	if err != nil {
		return Identity{}, reject("token is not a URL")
	}
	if u.Scheme != sts.Scheme || u.Host != sts.Host || u.User != nil {
		return Identity{}, reject("token's URL names host %q, not the STS endpoint", u.Host)
	}
	if u.Path != "/" {
		return Identity{}, reject("token's URL has path %q, not /", u.Path)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Identity{}, reject("token's URL has a malformed query")
	}
	lower := map[string]string{}
	for k, v := range q {
		if !allowed[strings.ToLower(k)] {
			return Identity{}, reject("token's URL has parameter %q, which is not allowed", k)
		}
		if len(v) != 1 {
			return Identity{}, reject("token's URL gives parameter %q %d times", k, len(v))
		}
		lower[strings.ToLower(k)] = v[0]
	}
	if lower["action"] != "GetCallerIdentity" {
		return Identity{}, reject("token's URL is for action %q, not GetCallerIdentity", lower["action"])
	}
	signed := false
	for _, h := range strings.Split(lower["x-amz-signedheaders"], ";") {
		signed = signed || strings.EqualFold(h, clusterHeader)
	}
	if !signed {
		return Identity{}, reject("token's URL does not sign the %s header", clusterHeader)
	}
	if n, err := strconv.Atoi(lower["x-amz-expires"]); err != nil || n < 0 || n > 900 {
		return Identity{}, reject("token's X-Amz-Expires %q is not from 0 to 900", lower["x-amz-expires"])
	}
	date, err := time.Parse("20060102T150405Z", lower["x-amz-date"])
	if err != nil {
		return Identity{}, reject("token's X-Amz-Date %q is not a date", lower["x-amz-date"])
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	if now().After(date.Add(lifetime)) {
		return Identity{}, reject("token has expired: signed at %s, more than %s ago", date.Format(time.RFC3339), lifetime)
	}
	return a.callSTS(ctx, u)
}

// callSTS calls the token's URL with the cluster's name in the signed
// header.
func (a *Authenticator) callSTS(ctx context.Context, u *url.URL) (Identity, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Identity{}, reject("token's URL: %v", err)
	}
	req.Header.Set(clusterHeader, a.ClusterName)
	req.Header.Set("Accept", "application/json")
	client := a.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	resp, err := client.Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("call STS: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Identity{}, fmt.Errorf("read STS's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		code := "status " + strconv.Itoa(resp.StatusCode)
		if i := strings.Index(string(body), "<Code>"); i >= 0 {
			code = string(body[i+len("<Code>"):])
			code = code[:max(0, strings.Index(code, "<"))]
		}
		return Identity{}, reject("STS refused the token: %s", code)
	}
	var doc struct {
		GetCallerIdentityResponse struct {
			GetCallerIdentityResult struct {
				Arn     string `json:"Arn"`
				UserID  string `json:"UserId"`
				Account string `json:"Account"`
			}
		}
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Identity{}, fmt.Errorf("decode STS's answer: %w", err)
	}
	r := doc.GetCallerIdentityResponse.GetCallerIdentityResult
	id := Identity{ARN: r.Arn, CanonicalARN: canonical(r.Arn), AccountID: r.Account, UserID: r.UserID}
	if _, session, ok := strings.Cut(r.UserID, ":"); ok {
		id.SessionName = session
	}
	return id, nil
}

// canonical maps an assumed-role session ARN to its role's ARN.
func canonical(arn string) string {
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "sts" || !strings.HasPrefix(parts[5], "assumed-role/") {
		return arn
	}
	res := strings.Split(strings.TrimPrefix(parts[5], "assumed-role/"), "/")
	if len(res) < 2 {
		return arn
	}
	return fmt.Sprintf("%s:%s:iam::%s:role/%s", parts[0], parts[1], parts[4], strings.Join(res[:len(res)-1], "/"))
}
