package ssmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Region and Account are what the server reports in ARNs.
const (
	Region  = "us-east-1"
	Account = "123456789012"
)

// maxBody bounds a request body; the largest valid request is far smaller.
const maxBody = 1 << 20

// Fault is an error response that FailNext makes an operation return.
type Fault struct {
	Status  int
	Code    string
	Message string
}

// Faults the SDK retries.
var (
	// Throttling is what the service returns when a caller exceeds its
	// request rate.
	Throttling = Fault{Status: http.StatusBadRequest, Code: "ThrottlingException", Message: "Rate exceeded"}
	// InternalError is a server-side failure.
	InternalError = Fault{Status: http.StatusInternalServerError, Code: "InternalServerError",
		Message: "An error occurred on the server side."}
	// Unavailable is an overloaded or unreachable service.
	Unavailable = Fault{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable",
		Message: "Service is unavailable."}
)

// Server is a running fake Parameter Store. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the endpoint to give the client (ssm.Options.BaseEndpoint or
	// AWS_ENDPOINT_URL_SSM).
	URL string

	srv *httptest.Server

	mu     sync.Mutex
	params map[string]*parameter
	calls  map[string]int
	faults map[string][]fault
	tamper func(name string, version int64, value string) string
	before func(op, name string)
	after  func(op, name string)
	now    func() time.Time
	reqs   uint64
}

// fault is a queued Fault, for the requests on parameter name (any
// parameter when empty).
type fault struct {
	Fault
	name string
}

// NewServer starts a server that tb closes at cleanup.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		params: map[string]*parameter{},
		calls:  map[string]int{},
		faults: map[string][]fault{},
		now:    time.Now,
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Client returns a real SSM client for the server, with static credentials,
// retries without delay and no retry quota. optFns adjust it, such as
// setting RetryMaxAttempts.
func (s *Server) Client(optFns ...func(*ssm.Options)) *ssm.Client {
	return ssm.New(ssm.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDSSMTEST", "ssmtest-secret", ""),
		HTTPClient:   s.srv.Client(),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			o.RateLimiter = ratelimit.None
		}),
	}, optFns...)
}

// SetClock sets the clock that stamps new versions.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// FailNext makes the next n calls of the operation (such as "PutParameter")
// return f instead of running.
func (s *Server) FailNext(op string, n int, f Fault) { s.FailNextOn(op, "", n, f) }

// FailNextOn makes the next n calls of the operation on the parameter name
// (without a ":version" or ":label" selector) return f instead of running;
// calls on other parameters run. An empty name means any parameter.
func (s *Server) FailNextOn(op, name string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[op] = append(s.faults[op], fault{Fault: f, name: name})
	}
}

// Calls returns how many requests named the operation, failed ones included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// CallsOn returns how many requests of the operation named the parameter
// (with or without a selector), failed ones included.
func (s *Server) CallsOn(op, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op+" "+name]
}

// Before makes the server call fn with the operation and the parameter name
// (without a selector) of every request, before it runs it; nil stops it.
// fn runs on the request's goroutine and may make requests to the server
// itself, to play another client whose request lands first; those requests
// call fn too.
func (s *Server) Before(fn func(op, name string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.before = fn
}

// After makes the server call fn with the operation and the parameter name
// of every request it ran, after running it and before answering: the
// client has not seen the answer yet, as if it were paused right after its
// request took effect. fn may make requests to the server, like Before's.
func (s *Server) After(fn func(op, name string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.after = fn
}

// Tamper makes GetParameter and GetParameterHistory return fn's result
// instead of each stored plaintext value; nil stops it.
func (s *Server) Tamper(fn func(name string, version int64, value string) string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tamper = fn
}

// Version is a stored version of a parameter, as Versions reports it.
type Version struct {
	Number   int64
	Value    string
	Type     string
	Tier     string
	KeyID    string
	Labels   []string
	Modified time.Time
	User     string
}

// Versions returns the retained versions of a parameter, oldest first; nil
// when it does not exist.
func (s *Server) Versions(name string) []Version {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.params[name]
	if !ok {
		return nil
	}
	out := make([]Version, len(p.versions))
	for i, v := range p.versions {
		out[i] = Version{Number: v.number, Value: v.value, Type: v.typ, Tier: v.tier, KeyID: v.keyID,
			Labels: append([]string(nil), v.labels...), Modified: v.modified, User: v.user}
	}
	return out
}

// Value returns the latest value of a parameter.
func (s *Server) Value(name string) (string, bool) {
	vs := s.Versions(name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1].Value, true
}

// call is one decoded request.
type call struct {
	body []byte
	user string
	now  time.Time
}

type handler func(s *Server, c call) (any, *apiError)

var handlers = map[string]handler{
	"PutParameter":            (*Server).putParameter,
	"GetParameter":            (*Server).getParameter,
	"GetParameterHistory":     (*Server).getParameterHistory,
	"LabelParameterVersion":   (*Server).labelParameterVersion,
	"UnlabelParameterVersion": (*Server).unlabelParameterVersion,
	"DeleteParameter":         (*Server).deleteParameter,
}

// ServeHTTP implements the awsJson1.1 protocol.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		writeError(w, &apiError{status: http.StatusNotFound, code: "UnknownOperationException",
			message: fmt.Sprintf("%s %s is not an operation", r.Method, r.URL.Path)})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-amz-json-1.1") {
		writeError(w, &apiError{status: http.StatusBadRequest, code: "SerializationException",
			message: fmt.Sprintf("unsupported Content-Type %q", ct)})
		return
	}
	user, aerr := authenticate(r.Header.Get("Authorization"))
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AmazonSSM.")
	h, known := handlers[op]
	if !ok || !known {
		writeError(w, &apiError{status: http.StatusBadRequest, code: "UnknownOperationException",
			message: fmt.Sprintf("unknown operation %q", r.Header.Get("X-Amz-Target"))})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, &apiError{status: http.StatusBadRequest, code: "SerializationException", message: err.Error()})
		return
	}

	var probe struct{ Name string }
	_ = json.Unmarshal(body, &probe)
	name, _, _ := strings.Cut(probe.Name, ":")

	s.mu.Lock()
	before := s.before
	s.mu.Unlock()
	if before != nil {
		before(op, name)
	}

	s.mu.Lock()
	s.calls[op]++
	s.calls[op+" "+name]++
	var fault *Fault
	q := s.faults[op]
	for i, f := range q {
		if f.name == "" || f.name == name {
			fault = &f.Fault
			s.faults[op] = append(q[:i:i], q[i+1:]...)
			break
		}
	}
	now := s.now()
	s.reqs++
	reqID := fmt.Sprintf("00000000-0000-4000-8000-%012x", s.reqs)
	s.mu.Unlock()
	w.Header().Set("X-Amzn-Requestid", reqID)
	if fault != nil {
		writeError(w, &apiError{status: fault.Status, code: fault.Code, message: fault.Message})
		return
	}

	out, aerr := h(s, call{body: body, user: user, now: now})
	s.mu.Lock()
	after := s.after
	s.mu.Unlock()
	if after != nil {
		after(op, name)
	}
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, &apiError{status: http.StatusInternalServerError, code: "InternalServerError", message: err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(b)
}

// authenticate checks that the request carries a SigV4 signature for the
// ssm service and returns the caller's ARN, named after its access key.
func authenticate(header string) (string, *apiError) {
	if header == "" {
		return "", &apiError{status: http.StatusBadRequest, code: "MissingAuthenticationTokenException",
			message: "Request is missing Authentication Token"}
	}
	rest, ok := strings.CutPrefix(header, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return "", &apiError{status: http.StatusBadRequest, code: "IncompleteSignatureException",
			message: "Authorization header is not a SigV4 signature"}
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 || parts[3] != "ssm" || parts[4] != "aws4_request" {
		return "", &apiError{status: http.StatusBadRequest, code: "InvalidSignatureException",
			message: fmt.Sprintf("credential scope %q is not for the ssm service", scope)}
	}
	return fmt.Sprintf("arn:aws:iam::%s:user/%s", Account, parts[0]), nil
}
