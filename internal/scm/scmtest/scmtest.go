package scmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Call is one request the server received.
type Call struct {
	Method string
	// Path is the escaped path, as sent.
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Key returns "METHOD path".
func (c Call) Key() string { return c.Method + " " + c.Path }

// Stub answers requests with a method and path, a given number of times.
type Stub struct {
	method, path string
	query        url.Values
	times        int
	hits         int
	handler      http.HandlerFunc
}

// Times makes the stub answer exactly n requests (default 1).
func (s *Stub) Times(n int) *Stub { s.times = n; return s }

// Query makes the stub match only requests whose query has key=value.
func (s *Stub) Query(key, value string) *Stub {
	if s.query == nil {
		s.query = url.Values{}
	}
	s.query.Add(key, value)
	return s
}

func (s *Stub) matches(r *http.Request) bool {
	if s.hits >= s.times || r.Method != s.method || r.URL.EscapedPath() != s.path {
		return false
	}
	q := r.URL.Query()
	for k, vs := range s.query {
		for _, v := range vs {
			if q.Get(k) != v {
				return false
			}
		}
	}
	return true
}

func (s *Stub) String() string {
	return fmt.Sprintf("%s %s (used %d of %d)", s.method, s.path, s.hits, s.times)
}

// Registry is the stub server.
type Registry struct {
	t     testing.TB
	srv   *httptest.Server
	mu    sync.Mutex
	stubs []*Stub
	calls []Call
}

// New starts a stub server on loopback. When the test ends it fails the test
// for every stub that was not used as often as registered.
func New(t testing.TB) *Registry {
	r := &Registry{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		r.Verify()
		r.srv.Close()
	})
	return r
}

// URL returns the server's base URL.
func (r *Registry) URL() string { return r.srv.URL }

// Register adds a stub for method and path (escaped, as in
// /api/v4/projects/acme%2Finfra/...) answered by h.
func (r *Registry) Register(method, path string, h http.HandlerFunc) *Stub {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := &Stub{method: method, path: path, times: 1, handler: h}
	r.stubs = append(r.stubs, s)
	return s
}

func (r *Registry) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(strings.NewReader(string(body)))
	r.mu.Lock()
	r.calls = append(r.calls, Call{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), Header: req.Header.Clone(), Body: body})
	var stub *Stub
	for _, s := range r.stubs {
		if s.matches(req) {
			stub = s
			s.hits++
			break
		}
	}
	r.mu.Unlock()
	if stub == nil {
		r.t.Errorf("unexpected request: %s %s", req.Method, req.URL.RequestURI())
		http.Error(w, `{"message":"no stub for this request"}`, http.StatusNotImplemented)
		return
	}
	stub.handler(w, req)
}

// Verify fails the test for every stub not used as often as registered, then
// forgets the stubs and the calls, so a test can go on with another phase.
func (r *Registry) Verify() {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if s.hits != s.times {
			r.t.Errorf("stub not used as registered: %s", s)
		}
	}
	r.stubs, r.calls = nil, nil
}

// Calls returns the requests received since the last Verify.
func (r *Registry) Calls() []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Call(nil), r.calls...)
}

// Counts returns the number of requests per "METHOD path" since the last
// Verify.
func (r *Registry) Counts() map[string]int {
	m := map[string]int{}
	for _, c := range r.Calls() {
		m[c.Key()]++
	}
	return m
}

// Reads and Writes count the GET requests and the other ones.
func (r *Registry) Reads() int { return r.count(func(m string) bool { return m == http.MethodGet }) }

// Writes counts the POST, PUT, PATCH and DELETE requests.
func (r *Registry) Writes() int { return r.count(func(m string) bool { return m != http.MethodGet }) }

func (r *Registry) count(f func(string) bool) int {
	n := 0
	for _, c := range r.Calls() {
		if f(c.Method) {
			n++
		}
	}
	return n
}

// Summary returns the counts as sorted "METHOD path xN" lines, for messages.
func (r *Registry) Summary() string {
	var lines []string
	for k, n := range r.Counts() {
		lines = append(lines, fmt.Sprintf("%s x%d", k, n))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// JSON responds with status and v encoded as JSON, plus headers given as
// name, value pairs.
func JSON(status int, v any, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		WriteJSON(w, status, v)
	}
}

// WriteJSON writes v as a JSON response.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Sequence answers the n-th request with the n-th handler (and the last one
// after that), for "fail, then succeed" stubs.
func Sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}
