package helm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// DefaultTimeout is how long Apply waits for a release's objects to become
// ready when the release sets no timeout.
const DefaultTimeout = config.DefaultTimeout

// DefaultMaxHistory is how many revisions of a release are kept when the
// release sets no max_history (Helm's own default for upgrades).
const DefaultMaxHistory = config.DefaultMaxHistory

// Options configure a Stage: one Helm release of one stack.
type Options struct {
	// Log receives the stage's progress, with the attributes stack and
	// release; Helm's own messages come at debug level. Nil discards it.
	Log *slog.Logger
	// Kubeconfig is the kubeconfig file. Empty means what kubectl uses:
	// $KUBECONFIG, else ~/.kube/config, else the service account of the
	// pod the step runs in.
	Kubeconfig string
	// KubeContext selects a context of the kubeconfig (the environment's
	// kube_context); empty means its current context.
	KubeContext string
	// Connection, when set, reaches the cluster without a kubeconfig
	// (a cluster: block); Kubeconfig and KubeContext are then unused.
	Connection *Connection
	// ClusterKnownAfterApply says that the infrastructure plan creates or
	// replaces the cluster, so that its address is known only after
	// apply: Plan renders client-side without contacting any cluster and
	// says so (NoteNewCluster); Apply and Drift fail with a
	// *ClusterUnreachableError. Connection may then hold only the Name.
	ClusterKnownAfterApply bool
	// HTTPClient fetches chart repository indexes, charts and OCI
	// artifacts; nil means http.DefaultClient (proxies from the
	// environment).
	HTTPClient *http.Client
	// RepoCacheDir keeps the chart archives downloaded from repositories in
	// this run and the Kubernetes discovery cache, so stages share them;
	// empty means no cache on disk. Repository indexes and OCI pulls are
	// also cached in memory for the life of the process.
	RepoCacheDir string

	// Root is the absolute repository root; a local chart path and the
	// values files are relative to it.
	Root string
	// Stack is stamped on every Result. Its Environment replaces the
	// {environment} placeholder in the release's chart, values files and
	// namespace (expanding twice does no harm).
	Stack plan.Stack
	// Release is the release to plan, apply or check.
	Release config.Release
	// Namespace is the namespace of a release that names none; empty
	// means "default".
	Namespace string
	// Inventory is the environment's inventory (published, or predicted by
	// the infrastructure plan), which inventory_values read. Nil means none
	// exists: a release that maps inventory keys then fails with a
	// *MissingInventoryKeyError.
	Inventory *inventory.Document
	// KnownAfterApply lists the inventory keys (top-level outputs) whose
	// values the infrastructure plan knows only after apply. While
	// planning, a mapped value under one of them is set to
	// UnknownPlaceholder and the Result says so, instead of failing as a
	// missing key.
	KnownAfterApply []string
	// Set are the release's set entries, expanded by
	// config.Release.ExpandSet: applied after the values files and the
	// inventory values, as helm --set is. The values of Secret entries are
	// masked in every diff and note.
	Set []config.SetEntry

	// FingerprintKey, when set, keys the tokens that stand for the
	// inventory's secrets and Secret values in the fingerprint (see
	// redact.Digester); it must be at least redact.MinKeyLen bytes.
	// Without it a secret contributes only its presence.
	FingerprintKey []byte

	// connect replaces the connection to Kubernetes in tests.
	connect func(ctx context.Context) (*cluster, error)
}

// Stage plans, applies and checks one Helm release. Its methods run one at
// a time; stages of different releases run in parallel.
type Stage struct {
	opts Options
	rel  config.Release
	ns   string
	log  *slog.Logger
	// deployOpts are the release's deploy options, defaults applied.
	deployOpts config.DeployOptions

	mu   sync.Mutex
	conn *cluster
	// progress receives Helm's waiting messages during Apply.
	progress *progress
	// placeholders are the values the last values call set to
	// UnknownPlaceholder.
	placeholders []placeholder
	// digest keys the fingerprint's tokens for secrets.
	digest *redact.Digester
	// manifest is what the last successful Plan rendered (see Manifest).
	manifest string
}

// New returns a Stage for opts. It checks the options and expands the
// {environment} placeholder; it contacts nothing.
func New(opts Options) (*Stage, error) {
	rel := opts.Release
	env := opts.Stack.Environment
	if rel.Release == "" {
		return nil, errors.New("helm stage: the release has no name")
	}
	if rel.Chart == "" {
		return nil, fmt.Errorf("helm stage: release %s has no chart", rel.Release)
	}
	rel.Chart = config.Expand(rel.Chart, env)
	rel.Namespace = config.Expand(rel.Namespace, env)
	rel.Values = expandAll(rel.Values, env)
	if (rel.IsLocalChart() || len(rel.Values) > 0) && !filepath.IsAbs(opts.Root) {
		return nil, fmt.Errorf("helm stage: release %s: the repository root %q is not absolute", rel.Release, opts.Root)
	}
	ns := rel.Namespace
	if ns == "" {
		ns = opts.Namespace
	}
	if ns == "" {
		ns = "default"
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	digest, err := redact.NewDigester(opts.FingerprintKey)
	if err != nil {
		return nil, fmt.Errorf("helm stage: %w", err)
	}
	s := &Stage{opts: opts, rel: rel, ns: ns, progress: &progress{}, digest: digest, deployOpts: rel.DeployOptions()}
	// A rendering error or Helm's own messages may quote a value: the
	// inventory's secrets never reach the log.
	log = slog.New(redact.NewHandler(log.Handler(), redact.New(s.secrets(nil)...)))
	s.log = log.With("stack", opts.Stack.String(), "release", rel.Release)
	return s, nil
}

func expandAll(ss []string, env string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = config.Expand(s, env)
	}
	return out
}

// String names the stage in logs.
func (s *Stage) String() string { return "running helm release " + s.rel.Release }

// Namespace returns the namespace the release is deployed to.
func (s *Stage) Namespace() string { return s.ns }

// timeout returns how long Apply waits.
func (s *Stage) timeout() time.Duration { return s.deployOpts.Timeout }

// cluster returns the stage's connection, making it on first use.
func (s *Stage) cluster(ctx context.Context) (*cluster, error) {
	if s.conn != nil {
		return s.conn, nil
	}
	connect := s.opts.connect
	if connect == nil {
		connect = s.connectKube
	}
	c, err := connect(ctx)
	if err != nil {
		return nil, err
	}
	s.conn = c
	return c, nil
}

// newResult returns an empty Result for the stage.
func (s *Stage) newResult() plan.Result {
	// The inventory's secrets are known from the start: a failure that
	// quotes one is masked with them.
	return plan.Result{Stack: s.opts.Stack, Kind: plan.Helm, Name: s.rel.Release, Secrets: s.secrets(nil)}
}

// unreachable wraps the reason the cluster did not answer.
func (s *Stage) unreachable(err error) error {
	if s.opts.Connection != nil || s.opts.ClusterKnownAfterApply {
		name := "new cluster"
		if s.opts.Connection != nil && s.opts.Connection.Name != "" {
			name = s.opts.Connection.Name
		}
		return &ClusterUnreachableError{Cluster: name, Err: err}
	}
	return &ClusterUnreachableError{Context: s.opts.KubeContext, Err: err}
}
