package ststest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Account is the account of the identities the server makes up.
const Account = "111122223333"

const (
	apiVersion = "2011-06-15"
	xmlns      = "https://sts.amazonaws.com/doc/2011-06-15/"
	// maxBody bounds a request body.
	maxBody = 64 << 10
	// presignedLifetime is how long STS accepts a presigned request after
	// its X-Amz-Date, whatever its X-Amz-Expires says.
	presignedLifetime = 15 * time.Minute
	// maxSkew is how far a signing time may be from the server's clock.
	maxSkew = 5 * time.Minute
)

// Identity is a principal and its keys. Identities with a session token
// are temporary: requests must carry the token, until Expires.
type Identity struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// Expires ends temporary credentials; zero means never.
	Expires time.Time
	// ARN and UserID are what GetCallerIdentity answers, such as
	// arn:aws:iam::111122223333:user/ci and AIDA....
	ARN    string
	UserID string
}

// Role is an IAM role that AssumeRole or AssumeRoleWithWebIdentity can
// give sessions of.
type Role struct {
	ARN string
	// Trusted lists the ARNs of the identities that may assume it.
	Trusted []string
	// WebIdentityToken, when set, is the OIDC token that
	// AssumeRoleWithWebIdentity accepts for it.
	WebIdentityToken string
}

// Request is what the server saw of one request.
type Request struct {
	Action      string
	AccessKeyID string
	Presigned   bool
	// Region is the region of the credential scope.
	Region        string
	SignedHeaders []string
	// Expires is X-Amz-Expires of a presigned request.
	Expires string
	// Header holds the request's headers.
	Header http.Header
	// Err is the error answered, nil for a success.
	Err *Error
}

// Options configure a Server.
type Options struct {
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
}

// Server is a running fake STS. Its methods are safe for concurrent use.
type Server struct {
	// URL is the endpoint (http://127.0.0.1:port) to give the client, as
	// sts.Options.BaseEndpoint or AWS_ENDPOINT_URL_STS.
	URL string

	srv *httptest.Server
	now func() time.Time

	mu         sync.Mutex
	identities map[string]Identity // by access key id
	roles      map[string]Role
	requests   []Request
}

// New starts a server that stops when the test ends.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	s := Start(opts)
	t.Cleanup(s.Close)
	return s
}

// Start starts a server that outlives any one test, such as one that a
// test binary's TestMain shares between its tests; Close stops it.
func Start(opts Options) *Server {
	s := &Server{now: opts.Now, identities: map[string]Identity{}, roles: map[string]Role{}}
	if s.now == nil {
		s.now = time.Now
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Host returns host:port of the server, as it appears in presigned URLs.
func (s *Server) Host() string {
	u, _ := url.Parse(s.URL)
	return u.Host
}

// AddIdentity makes the server know id's keys.
func (s *Server) AddIdentity(id Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.identities[id.AccessKeyID] = id
}

// AddRole makes a role assumable.
func (s *Server) AddRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[r.ARN] = r
}

// Requests returns what the server saw, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ServeHTTP answers one STS request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := randomHex(8)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeError(w, errValidation("request body too large or unreadable"), requestID)
		return
	}
	params := r.URL.Query()
	if r.Method == http.MethodPost {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeError(w, errValidation("malformed form body"), requestID)
			return
		}
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	rec := Request{Action: params.Get("Action"), Header: r.Header.Clone()}
	result, e := s.serve(r, body, params, &rec)
	rec.Err = e
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	if e != nil {
		writeError(w, e, requestID)
		return
	}
	if rec.Action == "GetCallerIdentity" && strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeCallerJSON(w, result.(callerResult), requestID)
		return
	}
	writeXML(w, rec.Action, result, requestID)
}

func (s *Server) serve(r *http.Request, body []byte, params url.Values, rec *Request) (any, *Error) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return nil, errInvalidAction("method %s is not supported", r.Method)
	}
	if v := params.Get("Version"); v != apiVersion {
		return nil, errInvalidAction("Version is %q, not %s", v, apiVersion)
	}
	if rec.Action == "AssumeRoleWithWebIdentity" {
		return s.assumeRoleWithWebIdentity(params)
	}
	caller, e := s.authenticate(r, body, rec)
	if e != nil {
		return nil, e
	}
	switch rec.Action {
	case "GetCallerIdentity":
		return callerResult{Arn: caller.ARN, UserID: caller.UserID, Account: accountOf(caller.ARN)}, nil
	case "AssumeRole":
		return s.assumeRole(caller, params)
	default:
		return nil, errInvalidAction("action %q is not implemented", rec.Action)
	}
}

// authenticate checks the request's signature and returns who made it.
func (s *Server) authenticate(r *http.Request, body []byte, rec *Request) (Identity, *Error) {
	sig, e := parseSigned(r)
	if e != nil {
		return Identity{}, e
	}
	rec.AccessKeyID, rec.Presigned, rec.Region = sig.accessKeyID, sig.presigned, sig.region
	rec.SignedHeaders, rec.Expires = sig.signedHeaders, sig.expires
	if sig.service != "sts" {
		return Identity{}, errSignatureMismatch("credential scope names service %q, not sts", sig.service)
	}
	s.mu.Lock()
	id, ok := s.identities[sig.accessKeyID]
	s.mu.Unlock()
	if !ok {
		return Identity{}, errUnknownKey(sig.accessKeyID)
	}
	signedAt, ok := sig.time()
	if !ok {
		return Identity{}, errIncompleteSignature("X-Amz-Date %q is not a date such as 20150830T123600Z", sig.amzDate)
	}
	if signedAt.Format("20060102") != sig.date {
		return Identity{}, errSignatureMismatch("credential scope date %s is not the day of X-Amz-Date %s", sig.date, sig.amzDate)
	}
	if sig.presigned {
		if sig.expires != "" {
			if n, err := strconv.Atoi(sig.expires); err != nil || n < 1 || n > 604800 {
				return Identity{}, errIncompleteSignature("X-Amz-Expires %q is not a number of seconds from 1 to 604800", sig.expires)
			}
		}
	}
	canonical, e := canonicalRequest(r, sig, hexSHA256(body))
	if e != nil {
		return Identity{}, e
	}
	want := signature(signingKey(id.SecretAccessKey, sig.date, sig.region, sig.service), stringToSign(sig.amzDate, sig.scope(), canonical))
	if !signatureMatches(want, sig.signature) {
		return Identity{}, errSignatureMismatch("The request signature we calculated does not match the signature you provided.")
	}
	now := s.now()
	switch {
	case signedAt.After(now.Add(maxSkew)):
		return Identity{}, errSignatureMismatch("Signature not yet current: %s is later than %s", sig.amzDate, now.UTC().Format(amzDateFormat))
	case sig.presigned && now.After(signedAt.Add(presignedLifetime)):
		return Identity{}, errExpired("Request has expired: signed at %s, more than %s ago", sig.amzDate, presignedLifetime)
	case !sig.presigned && now.After(signedAt.Add(maxSkew)):
		return Identity{}, errSignatureMismatch("Signature expired: %s is now earlier than %s", sig.amzDate, now.Add(-maxSkew).UTC().Format(amzDateFormat))
	}
	if id.SessionToken != "" && sig.securityToken != id.SessionToken {
		return Identity{}, errUnknownKey(sig.accessKeyID)
	}
	if !id.Expires.IsZero() && now.After(id.Expires) {
		return Identity{}, errExpired("The security token included in the request is expired")
	}
	return id, nil
}

func (s *Server) assumeRole(caller Identity, params url.Values) (any, *Error) {
	roleARN, session := params.Get("RoleArn"), params.Get("RoleSessionName")
	s.mu.Lock()
	role, ok := s.roles[roleARN]
	s.mu.Unlock()
	trusted := false
	for _, t := range role.Trusted {
		trusted = trusted || t == caller.ARN
	}
	if !ok || !trusted {
		return nil, errAccessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", caller.ARN, roleARN)
	}
	return s.issue(role, session, params.Get("DurationSeconds"))
}

func (s *Server) assumeRoleWithWebIdentity(params url.Values) (any, *Error) {
	roleARN, session := params.Get("RoleArn"), params.Get("RoleSessionName")
	s.mu.Lock()
	role, ok := s.roles[roleARN]
	s.mu.Unlock()
	if !ok || role.WebIdentityToken == "" || params.Get("WebIdentityToken") != role.WebIdentityToken {
		return nil, &Error{Status: http.StatusBadRequest, Code: "InvalidIdentityToken", Message: "Couldn't verify the web identity token for " + roleARN}
	}
	return s.issue(role, session, params.Get("DurationSeconds"))
}

// issue makes temporary credentials for a session of role.
func (s *Server) issue(role Role, session, duration string) (any, *Error) {
	if session == "" || len(session) > 64 {
		return nil, errValidation("RoleSessionName must have 1 to 64 characters")
	}
	d := time.Hour
	if duration != "" {
		n, err := strconv.Atoi(duration)
		if err != nil || n < 900 || n > 43200 {
			return nil, errValidation("DurationSeconds %q must be from 900 to 43200", duration)
		}
		d = time.Duration(n) * time.Second
	}
	name := role.ARN[strings.LastIndex(role.ARN, "/")+1:]
	roleID := "AROA" + strings.ToUpper(randomHex(8))
	id := Identity{
		AccessKeyID:     "ASIA" + strings.ToUpper(randomHex(8)),
		SecretAccessKey: randomHex(20),
		SessionToken:    "session-" + randomHex(24),
		Expires:         s.now().Add(d).UTC().Truncate(time.Second),
		ARN:             fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", accountOf(role.ARN), name, session),
		UserID:          roleID + ":" + session,
	}
	s.AddIdentity(id)
	return roleResult{
		Credentials: credentialsXML{AccessKeyID: id.AccessKeyID, SecretAccessKey: id.SecretAccessKey,
			SessionToken: id.SessionToken, Expiration: id.Expires.Format(time.RFC3339)},
		AssumedRoleUser: assumedRoleXML{Arn: id.ARN, AssumedRoleID: id.UserID},
	}, nil
}

// accountOf returns the account field of an ARN, or Account.
func accountOf(arn string) string {
	if parts := strings.Split(arn, ":"); len(parts) >= 6 && parts[4] != "" {
		return parts[4]
	}
	return Account
}

type callerResult struct {
	Arn     string `xml:"Arn" json:"Arn"`
	UserID  string `xml:"UserId" json:"UserId"`
	Account string `xml:"Account" json:"Account"`
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type assumedRoleXML struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type roleResult struct {
	Credentials     credentialsXML `xml:"Credentials"`
	AssumedRoleUser assumedRoleXML `xml:"AssumedRoleUser"`
}

// writeXML writes <ActionResponse><ActionResult>result</ActionResult>...
func writeXML(w http.ResponseWriter, action string, result any, requestID string) {
	var b strings.Builder
	b.WriteString(`<` + action + `Response xmlns="` + xmlns + `"><` + action + `Result>`)
	inner, _ := xml.Marshal(result)
	// Drop the wrapper element the struct's type name gives.
	s := string(inner)
	s = s[strings.Index(s, ">")+1 : strings.LastIndex(s, "<")]
	b.WriteString(s)
	b.WriteString(`</` + action + `Result><ResponseMetadata><RequestId>` + requestID + `</RequestId></ResponseMetadata></` + action + `Response>`)
	w.Header().Set("Content-Type", "text/xml")
	_, _ = io.WriteString(w, b.String())
}

// writeCallerJSON answers GetCallerIdentity as STS does for Accept:
// application/json, the form EKS authenticators read.
func writeCallerJSON(w http.ResponseWriter, r callerResult, requestID string) {
	doc := map[string]any{"GetCallerIdentityResponse": map[string]any{
		"GetCallerIdentityResult": r,
		"ResponseMetadata":        map[string]string{"RequestId": requestID},
	}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(doc)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
