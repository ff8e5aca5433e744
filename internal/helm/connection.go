package helm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Connection is a cluster reached without a kubeconfig: the address and CA
// of a cluster: block, read from the inventory, and a source of bearer
// tokens (an *eks.TokenSource).
type Connection struct {
	// Name names the cluster in messages, such as "EKS cluster
	// meltano-prod".
	Name string
	// Endpoint is the API server's https URL.
	Endpoint string
	// CAData holds the PEM certificates that sign the API server's
	// certificate; no other CA is trusted.
	CAData []byte
	// Token gives the bearer token of each request. It is asked before
	// every request, so that it can renew tokens that expire during long
	// waits.
	Token TokenSource
}

// TokenSource gives bearer tokens.
type TokenSource interface {
	// Token returns a token valid for the next request.
	Token(ctx context.Context) (string, error)
}

// refusalExplainer is a TokenSource that can tell, from the API server's
// clock, why the server refused one of its tokens: *eks.TokenSource says
// when a token had expired. An empty answer means it sees no reason.
type refusalExplainer interface {
	Explain(token string, serverTime time.Time) string
}

// refusal is the last token the API server refused (401), and the server's
// time then (from the Date header; zero when it sent none).
type refusal struct {
	mu         sync.Mutex
	token      string
	serverTime time.Time
}

func (r *refusal) set(token string, h http.Header) {
	t, _ := http.ParseTime(h.Get("Date"))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.token, r.serverTime = token, t
}

func (r *refusal) get() (string, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.token, r.serverTime
}

// restConfig returns the client configuration of the connection; refused
// records the tokens the server refuses.
func (c *Connection) restConfig(refused *refusal) *rest.Config {
	src := c.Token
	return &rest.Config{
		Host:            c.Endpoint,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.CAData},
		// As for a kubeconfig: client-go's default of 5 requests a second
		// makes a release of a few hundred objects take minutes.
		QPS:   50,
		Burst: 100,
		WrapTransport: func(rt http.RoundTripper) http.RoundTripper {
			return &bearer{src: src, next: rt, refused: refused}
		},
	}
}

// bearer sets a fresh token on every request.
type bearer struct {
	src     TokenSource
	next    http.RoundTripper
	refused *refusal
}

// tokenError is a failure to get a token, told apart from the server's
// answers.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

func (b *bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := b.src.Token(req.Context())
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &tokenError{err: err}
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	resp, err := b.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusUnauthorized {
		b.refused.set(tok, resp.Header)
	}
	return resp, err
}

// WrappedRoundTripper lets client-go find the transport underneath.
func (b *bearer) WrappedRoundTripper() http.RoundTripper { return b.next }

// connectionGetter is Helm's and kubectl's view of a connection: the
// client configuration, and discovery cached in memory for the stage.
type connectionGetter struct {
	rc      *rest.Config
	ns      string
	refused *refusal

	once   sync.Once
	disc   discovery.CachedDiscoveryInterface
	mapper meta.RESTMapper
	err    error
}

var _ genericclioptions.RESTClientGetter = (*connectionGetter)(nil)

func newConnectionGetter(c *Connection, ns string) *connectionGetter {
	refused := &refusal{}
	return &connectionGetter{rc: c.restConfig(refused), ns: ns, refused: refused}
}

// ToRESTConfig returns a copy of the client configuration.
func (g *connectionGetter) ToRESTConfig() (*rest.Config, error) { return rest.CopyConfig(g.rc), nil }

func (g *connectionGetter) discovery() {
	g.once.Do(func() {
		dc, err := discovery.NewDiscoveryClientForConfig(rest.CopyConfig(g.rc))
		if err != nil {
			g.err = err
			return
		}
		g.disc = memory.NewMemCacheClient(dc)
		g.mapper = restmapper.NewShortcutExpander(restmapper.NewDeferredDiscoveryRESTMapper(g.disc), g.disc, func(string) {})
	})
}

// ToDiscoveryClient returns the discovery client, cached in memory.
func (g *connectionGetter) ToDiscoveryClient() (discovery.CachedDiscoveryInterface, error) {
	g.discovery()
	return g.disc, g.err
}

// ToRESTMapper returns a mapper fed by discovery.
func (g *connectionGetter) ToRESTMapper() (meta.RESTMapper, error) {
	g.discovery()
	return g.mapper, g.err
}

// ToRawKubeConfigLoader returns an in-memory kubeconfig of the connection,
// whose namespace is the stage's; its client configuration is the
// connection's, token included.
func (g *connectionGetter) ToRawKubeConfigLoader() clientcmd.ClientConfig {
	const name = "tierdeploy"
	kc := clientcmdapi.NewConfig()
	kc.Clusters[name] = &clientcmdapi.Cluster{Server: g.rc.Host, CertificateAuthorityData: g.rc.CAData}
	kc.AuthInfos[name] = &clientcmdapi.AuthInfo{}
	kc.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: g.ns}
	kc.CurrentContext = name
	return connectionKubeconfig{raw: clientcmd.NewDefaultClientConfig(*kc, &clientcmd.ConfigOverrides{}), rc: g.rc}
}

// connectionKubeconfig is the in-memory kubeconfig, whose client
// configuration carries the token.
type connectionKubeconfig struct {
	raw clientcmd.ClientConfig
	rc  *rest.Config
}

func (k connectionKubeconfig) RawConfig() (clientcmdapi.Config, error) { return k.raw.RawConfig() }
func (k connectionKubeconfig) ClientConfig() (*rest.Config, error)     { return rest.CopyConfig(k.rc), nil }
func (k connectionKubeconfig) Namespace() (string, bool, error)        { return k.raw.Namespace() }
func (k connectionKubeconfig) ConfigAccess() clientcmd.ConfigAccess    { return k.raw.ConfigAccess() }

// authError tells, from the failure of the first request, whether the
// connection itself is wrong (the token is refused, the certificate is not
// the CA's, no token could be made), which no client-side rendering can
// work around. It returns nil for other failures, such as a server that
// does not answer.
func (c *Connection) authError(err error, refused *refusal) error {
	var (
		te      *tokenError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		host    x509.HostnameError
		verify  *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &te):
		return &ClusterAuthError{Cluster: c.Name, Endpoint: c.Endpoint, Reason: AuthNoToken, Err: te.err}
	case apierrors.IsUnauthorized(err):
		e := &ClusterAuthError{Cluster: c.Name, Endpoint: c.Endpoint, Reason: AuthTokenRefused, Err: err}
		if ex, ok := c.Token.(refusalExplainer); ok {
			if tok, at := refused.get(); tok != "" && !at.IsZero() {
				e.Explanation = ex.Explain(tok, at)
				e.ServerTimeKnown = true
			}
		}
		return e
	case errors.As(err, &verify):
		return &ClusterAuthError{Cluster: c.Name, Endpoint: c.Endpoint, Reason: AuthUntrustedCertificate, Err: verify.Err}
	case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &host):
		return &ClusterAuthError{Cluster: c.Name, Endpoint: c.Endpoint, Reason: AuthUntrustedCertificate, Err: err}
	}
	return nil
}

// errNewCluster is why a stage whose cluster is known only after apply
// does not connect.
var errNewCluster = errors.New("the infrastructure plan creates or replaces it: its address is known only after apply")

// connectTo builds the stage's cluster from the connection.
func (s *Stage) connectTo(ctx context.Context, conn *Connection) (*cluster, error) {
	getter := newConnectionGetter(conn, s.ns)
	c, err := s.initCluster(getter)
	if err != nil {
		return nil, err
	}
	rc := getter.rc
	if err := ping(ctx, rc); err != nil {
		if fatal := conn.authError(err, getter.refused); fatal != nil {
			return nil, fatal
		}
		c.unreachable = err
		return c, nil
	}
	mapper, err := getter.ToRESTMapper()
	if err != nil {
		return nil, fmt.Errorf("kubernetes API discovery: %w", err)
	}
	return c, s.addLive(c, rc, mapper)
}
