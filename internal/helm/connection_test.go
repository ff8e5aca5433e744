package helm

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// countingTokens hands out "token-N", one new token per call.
type countingTokens struct {
	mu  sync.Mutex
	n   int
	err error
}

func (c *countingTokens) Token(context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return fmt.Sprintf("token-%d", c.n), c.err
}

// apiServer is a TLS server that answers /version to the token "token-1"
// only (401 otherwise), and records the Authorization headers.
type apiServer struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newAPIServer(t *testing.T, accept string) *apiServer {
	t.Helper()
	a := &apiServer{}
	a.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.auths = append(a.auths, r.Header.Get("Authorization"))
		a.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+accept {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`)
			return
		}
		if r.URL.Path == "/version" {
			_, _ = fmt.Fprint(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *apiServer) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Certificate().Raw})
}

// selfSignedCA returns a CA certificate that signed no server's.
func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "another cluster"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func connectionOptions(t *testing.T, conn *Connection) Options {
	t.Helper()
	opts := stageOptions(t, nil)
	opts.connect = nil
	opts.Connection = conn
	opts.Kubeconfig = "/nonexistent/kubeconfig"
	return opts
}

func TestConnectionSendsTheSourcesToken(t *testing.T) {
	api := newAPIServer(t, "token-1")
	tokens := &countingTokens{}
	s := newStage(t, connectionOptions(t, &Connection{Name: "EKS cluster c1", Endpoint: api.URL, CAData: api.caPEM(), Token: tokens}))
	c, err := s.cluster(t.Context())
	require.NoError(t, err)
	require.NoError(t, c.unreachable)
	require.NotNil(t, c.cfg)
	assert.Equal(t, []string{"Bearer token-1"}, api.auths, "no kubeconfig read: the token is the source's")

	// The source is asked before every request: a second request carries
	// the next token.
	getter := newConnectionGetter(s.opts.Connection, s.ns)
	rc, err := getter.ToRESTConfig()
	require.NoError(t, err)
	err = ping(t.Context(), rc)
	var ae *ClusterAuthError
	require.ErrorAs(t, s.opts.Connection.authError(err, getter.refused), &ae)
	assert.Equal(t, AuthTokenRefused, ae.Reason)
	assert.Equal(t, []string{"Bearer token-1", "Bearer token-2"}, api.auths)

	// Helm and kubectl see the stage's namespace and the connection.
	kc := newConnectionGetter(s.opts.Connection, "app").ToRawKubeConfigLoader()
	ns, _, err := kc.Namespace()
	require.NoError(t, err)
	assert.Equal(t, "app", ns)
	cc, err := kc.ClientConfig()
	require.NoError(t, err)
	assert.Equal(t, api.URL, cc.Host)
	assert.NotNil(t, cc.WrapTransport)
}

func TestConnectionFailures(t *testing.T) {
	api := newAPIServer(t, "the-right-token")
	down := httptest.NewTLSServer(http.NotFoundHandler())
	downURL, downCA := down.URL, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: down.Certificate().Raw})
	down.Close()
	tests := []struct {
		name   string
		conn   *Connection
		reason AuthReason // 0: unreachable, not an auth failure
		want   string
	}{
		{name: "token refused", conn: &Connection{Name: "EKS cluster c1", Endpoint: api.URL, CAData: api.caPEM(), Token: &countingTokens{}},
			reason: AuthTokenRefused,
			want: "EKS cluster c1 at " + api.URL + " refused the token (401 Unauthorized): the token is for another cluster " +
				"(check cluster.eks.cluster_name), has expired (check this machine's clock), or its AWS identity has no access entry in the cluster"},
		{name: "wrong CA", conn: &Connection{Name: "EKS cluster c1", Endpoint: api.URL, CAData: selfSignedCA(t), Token: &countingTokens{}},
			reason: AuthUntrustedCertificate,
			want:   "EKS cluster c1 at " + api.URL + " presents a certificate that the CA of cluster.ca_data does not trust (check that the inventory's endpoint and CA are the same cluster's): x509: certificate signed by unknown authority"},
		{name: "no token", conn: &Connection{Name: "EKS cluster c1", Endpoint: api.URL, CAData: api.caPEM(), Token: &countingTokens{err: errors.New(`EKS token for cluster "c1": read AWS credentials: none`)}},
			reason: AuthNoToken,
			want:   `EKS cluster c1: EKS token for cluster "c1": read AWS credentials: none`},
		{name: "server down", conn: &Connection{Name: "EKS cluster c1", Endpoint: downURL, CAData: downCA, Token: &countingTokens{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, step := range []func(*Stage, context.Context) (plan.Result, error){(*Stage).Plan, (*Stage).Apply, (*Stage).Drift} {
				res, err := step(newStage(t, connectionOptions(t, tt.conn)), t.Context())
				if tt.reason == 0 {
					// Plan renders client-side; Apply and Drift cannot.
					if err == nil {
						assert.Equal(t, []string{NoteClient}, res.Notes)
						continue
					}
					var ue *ClusterUnreachableError
					require.ErrorAs(t, err, &ue)
					assert.Contains(t, err.Error(), "kubernetes EKS cluster c1 unreachable: ")
					continue
				}
				var ae *ClusterAuthError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.reason, ae.Reason)
				assert.ErrorIs(t, err, ErrClusterAuth)
				assert.Contains(t, err.Error(), tt.want)
				assert.NotContains(t, err.Error(), "\n")
				assert.NotContains(t, err.Error(), "token-1", "the token is never in an error")
			}
		})
	}
}

// explainingTokens is a source that knows why its token was refused.
type explainingTokens struct {
	countingTokens
	mu         sync.Mutex
	token      string
	serverTime time.Time
	answer     string
}

func (e *explainingTokens) Explain(token string, serverTime time.Time) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.token, e.serverTime = token, serverTime
	return e.answer
}

func TestRefusedTokenIsExplainedWithTheServersClock(t *testing.T) {
	api := newAPIServer(t, "the-right-token")
	for _, answer := range []string{"the token has expired: signed long ago", ""} {
		src := &explainingTokens{answer: answer}
		_, err := newStage(t, connectionOptions(t, &Connection{Name: "EKS cluster c1", Endpoint: api.URL, CAData: api.caPEM(), Token: src})).Plan(t.Context())
		var ae *ClusterAuthError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "token-1", src.token, "asked about the token the server refused")
		assert.WithinDuration(t, time.Now(), src.serverTime, 5*time.Second, "with the server's Date")
		if answer != "" {
			assert.Contains(t, err.Error(), "EKS cluster c1 at "+api.URL+" refused the token (401 Unauthorized): the token has expired: signed long ago")
			continue
		}
		// Fresh by the server's clock: not an expiry.
		assert.Contains(t, err.Error(), "refused the token (401 Unauthorized): the token is for another cluster (check cluster.eks.cluster_name) "+
			"or its AWS identity has no access entry in the cluster")
		assert.NotContains(t, err.Error(), "expired")
	}
}

func TestNewClusterRendersClientSide(t *testing.T) {
	// Any contact with a cluster fails the test.
	contacted := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("a cluster was contacted") }))
	defer contacted.Close()
	opts := connectionOptions(t, &Connection{Name: "the new EKS cluster", Endpoint: contacted.URL, Token: &countingTokens{}})
	opts.ClusterKnownAfterApply = true
	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{NoteNewCluster}, res.Notes)
	assert.True(t, res.HasChanges)
	assert.Equal(t, plan.Counts{Add: 5}, res.Counts)

	for _, step := range []func(*Stage, context.Context) (plan.Result, error){(*Stage).Apply, (*Stage).Drift} {
		_, err = step(newStage(t, opts), t.Context())
		var ue *ClusterUnreachableError
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, err.Error(), "kubernetes the new EKS cluster unreachable: the infrastructure plan creates or replaces it: its address is known only after apply")
	}

	// Without a connection, the name is generic.
	opts.Connection = nil
	_, err = newStage(t, opts).Apply(t.Context())
	assert.True(t, strings.Contains(err.Error(), "kubernetes new cluster unreachable"), err)
}
