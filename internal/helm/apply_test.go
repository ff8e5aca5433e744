package helm

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/kube"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	release "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"k8s.io/utils/ptr"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// statuses returns the status of each revision kept, oldest first.
func statuses(t *testing.T, c *cluster) []string {
	t.Helper()
	h, err := c.cfg.Releases.History("web")
	require.NoError(t, err)
	revs := make([]*release.Release, 0, len(h))
	for _, r := range h {
		revs = append(revs, r.(*release.Release))
	}
	releaseutil.SortByRevision(revs)
	out := make([]string, len(revs))
	for i, r := range revs {
		out[i] = r.Info.Status.String()
	}
	return out
}

func TestApplyInstallsThenUpgrades(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)

	res, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.Equal(t, plan.Counts{Add: 5}, res.Counts)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)

	opts.Release.Values = []string{valuesFile(t, "replicaCount: 2\n")}
	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.Equal(t, plan.Counts{Change: 1}, res.Counts)
	assert.Equal(t, []string{"upgrade: revision 2 deployed"}, res.Notes)
	assert.Contains(t, res.Diff, "+  replicas: 2\n")

	assert.Equal(t, []string{"superseded", "deployed"}, statuses(t, c))
	// The wait covers objects and jobs, with Helm's status watcher.
	fk := c.cfg.KubeClient.(*kubefake.FailingKubeClient)
	assert.Contains(t, fk.RecordedWaitStrategies, kube.StatusWatcherStrategy)
}

func TestApplyKeepsMaxHistory(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.MaxHistory = ptr.To(3)
	for range 5 {
		_, err := newStage(t, opts).Apply(t.Context())
		require.NoError(t, err)
	}
	h, err := c.cfg.Releases.History("web")
	require.NoError(t, err)
	assert.Len(t, h, 3)
}

func TestApplyFailedUpgradeIsRolledBack(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)

	flaky(c, 1, 0)
	opts.Release.Values = []string{valuesFile(t, "replicaCount: 2\n")}
	res, err := newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Equal(t, err, res.Err)
	assert.ErrorIs(t, err, errNotReady)
	assert.Contains(t, err.Error(), "rolled back")
	assert.Equal(t, []string{"upgrade failed: rolled back to revision 1 (now revision 3)"}, res.Notes)
	assert.Equal(t, []string{"superseded", "failed", "deployed"}, statuses(t, c))

	// The next plan compares with the rolled-back revision.
	res, err = newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Contains(t, res.Diff, "-  replicas: 1\n+  replicas: 2\n")
}

func TestApplyFailedInstallIsUninstalled(t *testing.T) {
	c := fakeCluster(t)
	flaky(c, 1, 0)
	opts := stageOptions(t, c)

	res, err := newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Equal(t, []string{"install failed: the release was uninstalled"}, res.Notes)

	// The next apply installs again.
	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)
}

func TestApplyLogsProgressWhileWaiting(t *testing.T) {
	old := progressInterval
	progressInterval = 20 * time.Millisecond
	t.Cleanup(func() { progressInterval = old })

	c := fakeCluster(t)
	flaky(c, 0, 150*time.Millisecond)
	var buf syncBuffer
	opts := stageOptions(t, c)
	opts.Log = slog.New(slog.NewTextHandler(&buf, nil))
	opts.Release.Timeout = config.Duration(time.Minute)

	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	out := buf.String()
	assert.Contains(t, out, `msg="helm install in progress"`)
	assert.Contains(t, out, "timeout=1m0s")
	assert.Contains(t, out, "release=web")
	assert.Contains(t, out, "stack=project/prod")
}

func TestHelmHandlerNotesWhatTheWaitIsStuckOn(t *testing.T) {
	var buf syncBuffer
	s := newStage(t, Options{
		Log:     slog.New(slog.NewTextHandler(&buf, nil)),
		Root:    "/",
		Release: config.Release{Release: "web", Chart: "oci://registry.example/charts/web"},
	})
	log := slog.New(s.helmHandler())
	log.Debug("waiting for resource", "namespace", "app", "name", "web", "kind", "Deployment", "expectedStatus", "Current", "actualStatus", "InProgress")
	log.Debug("other debug message")
	log.Warn("upgrade failed", "name", "web")

	assert.Equal(t, "Deployment/app/web (InProgress)", s.progress.get())
	assert.NotContains(t, buf.String(), "debug message")
	assert.Contains(t, buf.String(), `msg="upgrade failed"`)
}

// syncBuffer is a bytes.Buffer safe for a logger used from goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
