package kubetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Options configures a cluster.
type Options struct {
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger

	// BinDir holds etcd, kube-apiserver, kube-controller-manager,
	// kube-scheduler and kwok (.tools/k8s/bin; see ToolOptions).
	BinDir string
	// StagesFile is kwok's stages configuration (.tools/k8s/kwok-stages.yaml).
	StagesFile string
	// Dir receives certificates, etcd's data, the kubeconfig and one log per
	// component. Empty means a new temporary directory that Stop removes.
	Dir string
	// Probe makes Start also wait until a Deployment becomes available (and
	// delete it again). A Ready node and healthy components already mean
	// that Deployments work; the probe proves it, at a cost of seconds.
	Probe bool
	// StartTimeout bounds Start on top of its context; 0 means 5 minutes.
	StartTimeout time.Duration
	// StopGrace is how long Stop waits after SIGTERM before it kills the
	// components; 0 means 5 seconds.
	StopGrace time.Duration

	// TokenWebhook, when set, makes the API server ask a webhook about the
	// bearer tokens it does not know itself, as an EKS cluster asks its
	// authenticator. The administrator's static token works as before.
	TokenWebhook *TokenWebhook
	// RBAC authorizes requests with role-based access control instead of
	// allowing everything, so that a user the webhook authenticates has
	// only the rights bound to it. The administrator (system:masters) and
	// the components keep every right.
	RBAC bool
}

// TokenWebhook is a token authentication webhook: an https endpoint that
// answers TokenReview (authentication.k8s.io/v1) requests.
type TokenWebhook struct {
	// URL is the endpoint, such as https://127.0.0.1:4567/authenticate.
	URL string
	// CAData is the PEM certificate of the CA that signed the endpoint's
	// certificate.
	CAData []byte
	// CacheTTL is how long the API server keeps an answer for a token;
	// zero means DefaultWebhookCacheTTL.
	CacheTTL time.Duration
}

// DefaultWebhookCacheTTL is how long the API server caches webhook
// answers when TokenWebhook.CacheTTL is zero.
const DefaultWebhookCacheTTL = 10 * time.Second

// Cluster is a running control plane. Stop it when done.
type Cluster struct {
	log        *slog.Logger
	dir        string
	removeDir  bool
	kubeconfig string
	rest       *rest.Config
	procs      []*process
	grace      time.Duration
	stopOnce   sync.Once
}

// startAttempts is how often Start tries again when a port it picked was
// taken by someone else before the component could bind it.
const startAttempts = 3

// Start runs etcd, kube-apiserver, kube-controller-manager, kube-scheduler
// and kwok with one fake node on free loopback ports, and returns once the
// node is Ready and untainted and every component reports healthy. On
// failure it stops whatever it started and returns an error that carries the
// end of the failing component's log ([ComponentError]).
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.BinDir == "" || opts.StagesFile == "" {
		return nil, errors.New("start cluster: BinDir and StagesFile are required")
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 5 * time.Minute
	}
	if opts.StopGrace == 0 {
		opts.StopGrace = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.StartTimeout)
	defer cancel()
	var err error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		var c *Cluster
		c, err = start(ctx, opts)
		if err == nil {
			return c, nil
		}
		if !portTaken(err) {
			break
		}
		opts.Logger.Info("a port was taken before use; trying again", "attempt", attempt, "err", err)
	}
	return nil, fmt.Errorf("start cluster: %w", err)
}

// portTaken reports whether a component failed because its port was in
// use.
func portTaken(err error) bool {
	return strings.Contains(err.Error(), "address already in use")
}

func start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	began := time.Now()
	c := &Cluster{log: opts.Logger, dir: opts.Dir, grace: opts.StopGrace}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "kubetest-"); err != nil {
			return nil, fmt.Errorf("create cluster directory: %w", err)
		}
		c.removeDir = true
	} else if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create cluster directory: %w", err)
	}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	l, err := c.prepare(opts)
	if err != nil {
		return nil, err
	}
	clientset, err := kubernetes.NewForConfig(c.rest)
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	step := func(what string) { c.log.Info(what, "elapsed", time.Since(began).Round(time.Millisecond)) }

	etcd, err := c.run("etcd", etcdArgs(l))
	if err != nil {
		return nil, err
	}
	if err := waitFor(ctx, "etcd health", []*process{etcd}, etcdHealthy(l.ports.etcdClient)); err != nil {
		return nil, err
	}
	step("etcd healthy")
	apiserver, err := c.run("kube-apiserver", apiserverArgs(l))
	if err != nil {
		return nil, err
	}
	if err := waitFor(ctx, "apiserver readyz", []*process{etcd, apiserver}, apiserverReady(clientset)); err != nil {
		return nil, err
	}
	step("apiserver ready")
	kcm, err := c.run("kube-controller-manager", kcmArgs(l))
	if err != nil {
		return nil, err
	}
	scheduler, err := c.run("kube-scheduler", schedulerArgs(l))
	if err != nil {
		return nil, err
	}
	kwok, err := c.run("kwok", kwokArgs(l))
	if err != nil {
		return nil, err
	}
	all := []*process{etcd, apiserver, kcm, scheduler, kwok}
	if err := waitFor(ctx, "node "+nodeName+" Ready and untainted", all, nodeReady(clientset)); err != nil {
		return nil, err
	}
	step("node ready")
	if err := waitFor(ctx, "kube-scheduler healthz", all, healthz(l.creds.caPEM, l.ports.scheduler)); err != nil {
		return nil, err
	}
	if err := waitFor(ctx, "kube-controller-manager healthz", all, healthz(l.creds.caPEM, l.ports.kcm)); err != nil {
		return nil, err
	}
	step("components healthy")
	if opts.Probe {
		if err := probe(ctx, clientset, all); err != nil {
			return nil, err
		}
		step("probe deployment available")
	}
	return c, nil
}

// prepare picks ports and writes credentials and the kubeconfig. etcd
// always starts from empty data, also in a directory given by the caller.
func (c *Cluster) prepare(opts Options) (layout, error) {
	if err := os.RemoveAll(filepath.Join(c.dir, "etcd")); err != nil {
		return layout{}, fmt.Errorf("remove old etcd data: %w", err)
	}
	p, err := freePorts(6)
	if err != nil {
		return layout{}, err
	}
	creds, err := writeCredentials(c.dir)
	if err != nil {
		return layout{}, err
	}
	l := layout{
		bin:        binariesIn(opts.BinDir),
		ports:      ports{etcdClient: p[0], etcdPeer: p[1], apiserver: p[2], kcm: p[3], scheduler: p[4], kwok: p[5]},
		dir:        c.dir,
		creds:      creds,
		kubeconfig: filepath.Join(c.dir, "kubeconfig"),
		stagesFile: opts.StagesFile,
	}
	c.rest = restConfig(loopbackURL("https", l.ports.apiserver), creds)
	c.kubeconfig = l.kubeconfig
	if err := writeKubeconfig(l.kubeconfig, c.rest); err != nil {
		return layout{}, err
	}
	l.rbac = opts.RBAC
	if w := opts.TokenWebhook; w != nil {
		l.webhookConfig = filepath.Join(c.dir, "token-webhook.kubeconfig")
		l.webhookCacheTTL = w.CacheTTL
		if l.webhookCacheTTL <= 0 {
			l.webhookCacheTTL = DefaultWebhookCacheTTL
		}
		if err := writeWebhookConfig(l.webhookConfig, w); err != nil {
			return layout{}, err
		}
	}
	return l, nil
}

// run starts one component with its log in the cluster directory.
func (c *Cluster) run(name string, argv []string) (*process, error) {
	p, err := startProcess(name, filepath.Join(c.dir, name+".log"), argv)
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, p)
	return p, nil
}

// Kubeconfig returns the path of a kubeconfig whose current context is the
// cluster's administrator (a static token, full rights).
func (c *Cluster) Kubeconfig() string { return c.kubeconfig }

// RESTConfig returns a new copy of the administrator's client configuration.
func (c *Cluster) RESTConfig() *rest.Config { return rest.CopyConfig(c.rest) }

// Dir returns the cluster's directory, which holds one log per component
// (etcd.log, kube-apiserver.log, ...).
func (c *Cluster) Dir() string { return c.dir }

// Stop ends every component (SIGTERM to its process group, SIGKILL after
// Options.StopGrace), waits for them, and removes the cluster directory if
// Start created it. It is safe to call more than once.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		// In reverse start order: the apiserver shuts down cleanly only while
		// etcd still answers.
		for i := len(c.procs) - 1; i >= 0; i-- {
			p := c.procs[i]
			began := time.Now()
			killed := p.stop(c.grace)
			c.log.Debug("stopped", "component", p.name, "took", time.Since(began).Round(time.Millisecond), "killed", killed)
		}
		if c.removeDir {
			if err := os.RemoveAll(c.dir); err != nil {
				c.log.Warn("remove cluster directory", "dir", c.dir, "err", err)
			}
		}
	})
}
