package helm

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// An API server (or a proxy or webhook in front of it) whose error answers
// echo the request, bearer token included, does not get the token into an
// error, a note or a diff: the token is a credential of the job's cloud
// identity, valid for minutes, and errors reach the report and the log.
func TestAPIServerEchoingTheTokenDoesNotLeakIt(t *testing.T) {
	for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusInternalServerError, http.StatusBadRequest} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			echo := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				auth := r.Header.Get("Authorization")
				w.Header().Set("Content-Type", "application/json")
				if body, ok := discoveryAnswers[r.URL.Path]; ok && !strings.HasSuffix(t.Name(), "/401") {
					_, _ = fmt.Fprint(w, body)
					return
				}
				w.WriteHeader(code)
				_, _ = fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"request %s %s with %s (token %s) denied","code":%d}`,
					r.Method, r.URL.Path, auth, strings.TrimPrefix(auth, "Bearer "), code)
			}))
			t.Cleanup(echo.Close)
			ca := pemOf(echo)
			for _, step := range []func(*Stage, context.Context) (plan.Result, error){(*Stage).Plan, (*Stage).Apply, (*Stage).Drift} {
				res, err := step(newStage(t, connectionOptions(t, &Connection{Name: "EKS cluster c1", Endpoint: echo.URL, CAData: ca, Token: &countingTokens{}})), t.Context())
				text := fmt.Sprintf("%v %v %s %v", err, res.Notes, res.Diff, res.Err)
				assert.NotContains(t, text, "token-", "the bearer token reached an error, a note or the diff")
			}
		})
	}
}

// discoveryAnswers answers the requests of a connection check and of API
// discovery, so that the server's errors come from the requests Helm makes
// next (the release history, the objects).
var discoveryAnswers = map[string]string{
	"/version": `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`,
	"/api":     `{"kind":"APIVersions","versions":["v1"]}`,
	"/apis":    `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`,
	"/api/v1": `{"kind":"APIResourceList","groupVersion":"v1","resources":[` +
		`{"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list","create","update","delete","watch","patch"]},` +
		`{"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["get","list","create","update","delete","watch","patch"]},` +
		`{"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["get","list","create"]}]}`,
}

func pemOf(s *httptest.Server) []byte {
	return (&apiServer{Server: s}).caPEM()
}

// A server whose certificate the connection's CA does not trust (an
// endpoint that is not the cluster's) never receives the token: TLS is
// verified before the first request is sent.
func TestTokenIsNotSentToAnUntrustedServer(t *testing.T) {
	api := newAPIServer(t, "token-1")
	for _, step := range []func(*Stage, context.Context) (plan.Result, error){(*Stage).Plan, (*Stage).Apply, (*Stage).Drift} {
		_, err := step(newStage(t, connectionOptions(t, &Connection{Name: "EKS cluster c1", Endpoint: api.URL, CAData: selfSignedCA(t), Token: &countingTokens{}})), t.Context())
		var ae *ClusterAuthError
		if assert.ErrorAs(t, err, &ae) {
			assert.Equal(t, AuthUntrustedCertificate, ae.Reason)
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	assert.Empty(t, api.auths, "the untrusted server received a request")
}
