package helm

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/kube"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	release "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fakeCluster is Helm's fake cluster: an in-memory release store and a
// kube client that accepts everything.
func fakeCluster(t testing.TB) *cluster {
	t.Helper()
	mem := driver.NewMemory()
	mem.SetNamespace("app")
	cfg := &action.Configuration{
		Releases:     storage.Init(mem),
		KubeClient:   &kubefake.FailingKubeClient{PrintingKubeClient: kubefake.PrintingKubeClient{Out: io.Discard}},
		Capabilities: common.DefaultCapabilities,
	}
	cfg.SetLogger(slog.DiscardHandler)
	return &cluster{cfg: cfg}
}

// testdata returns the absolute path of the testdata directory.
func testdata(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	require.NoError(t, err)
	return abs
}

// stageOptions returns options for the web chart on c.
func stageOptions(t testing.TB, c *cluster) Options {
	t.Helper()
	return Options{
		Root:    testdata(t),
		Stack:   plan.Stack{Tier: "project", Environment: "prod"},
		Release: config.Release{Release: "web", Namespace: "app", Chart: "charts/web"},
		connect: func(context.Context) (*cluster, error) { return c, nil },
	}
}

func newStage(t testing.TB, opts Options) *Stage {
	t.Helper()
	s, err := New(opts)
	require.NoError(t, err)
	return s
}

// valuesFile writes a values file and returns its absolute path.
func valuesFile(t testing.TB, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "values.yaml")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// storeRelease puts a release record with the given status into the store.
func storeRelease(t testing.TB, c *cluster, version int, status rcommon.Status) {
	t.Helper()
	rel := &release.Release{
		Name:      "web",
		Namespace: "app",
		Version:   version,
		Info: &release.Info{
			Status:        status,
			FirstDeployed: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			LastDeployed:  time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		},
		Manifest: "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: b\n",
	}
	require.NoError(t, c.cfg.Releases.Create(rel))
}

// testInventory is a published inventory with a sensitive key.
func testInventory(t testing.TB) *inventory.Document {
	t.Helper()
	doc, err := inventory.Parse([]byte(`{"schema":"tierdeploy.inventory/v1","environment":"prod","tier":"infrastructure",
		"commit":"0123456789abcdef","created":"2026-01-02T03:04:05Z","sensitive":["database_password"],
		"values":{"database":{"host":"db.prod.internal","port":5432},"database_password":"s3cret-Passw0rd"}}`))
	require.NoError(t, err)
	return doc
}

// flakyKube is Helm's fake client whose waits for readiness take delay
// and fail the first failures times (a deploy that never becomes ready).
type flakyKube struct {
	*kubefake.FailingKubeClient
	mu       sync.Mutex
	failures int
	delay    time.Duration
}

func (f *flakyKube) GetWaiter(ws kube.WaitStrategy) (kube.Waiter, error) {
	return f.GetWaiterWithOptions(ws)
}

func (f *flakyKube) GetWaiterWithOptions(ws kube.WaitStrategy, opts ...kube.WaitOption) (kube.Waiter, error) {
	w, err := f.FailingKubeClient.GetWaiterWithOptions(ws, opts...)
	if err != nil {
		return nil, err
	}
	return &flakyWaiter{Waiter: w, kube: f}, nil
}

type flakyWaiter struct {
	kube.Waiter
	kube *flakyKube
}

func (w *flakyWaiter) wait() error {
	time.Sleep(w.kube.delay)
	w.kube.mu.Lock()
	defer w.kube.mu.Unlock()
	if w.kube.failures > 0 {
		w.kube.failures--
		return errNotReady
	}
	return nil
}

func (w *flakyWaiter) Wait(kube.ResourceList, time.Duration) error { return w.wait() }

func (w *flakyWaiter) WaitWithJobs(kube.ResourceList, time.Duration) error { return w.wait() }

// flaky replaces c's kube client with a flakyKube.
func flaky(c *cluster, failures int, delay time.Duration) *flakyKube {
	f := &flakyKube{FailingKubeClient: c.cfg.KubeClient.(*kubefake.FailingKubeClient), failures: failures, delay: delay}
	c.cfg.KubeClient = f
	return f
}

var errNotReady = &notReady{}

type notReady struct{}

func (*notReady) Error() string { return "context deadline exceeded: Deployment/app/web is not ready" }

// fakeLive serves live objects from a map keyed by address.
type fakeLive struct {
	objects map[string]map[string]any
	targets map[string]bool
}

func (f *fakeLive) get(_ context.Context, _, kind, namespace, name string) (map[string]any, error) {
	addr := kind + "/" + namespace + "/" + name
	if namespace == "" {
		addr = kind + "/" + name
	}
	return f.objects[addr], nil
}

func (f *fakeLive) scaleTargets(context.Context, string) (map[string]bool, error) {
	return f.targets, nil
}

// withLive connects to c with l as its live object reader.
func withLive(c *cluster, l liveReader) func(context.Context) (*cluster, error) {
	return func(context.Context) (*cluster, error) {
		c.live = l
		return c, nil
	}
}
