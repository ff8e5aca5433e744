package helm

import (
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
	"sigs.k8s.io/yaml"
)

// info builds a resource as Helm's kube client builds it from a rendered
// manifest: an unstructured object with its REST mapping.
func info(t *testing.T, manifest string) *resource.Info {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(manifest), &m))
	u := &unstructured.Unstructured{Object: m}
	return &resource.Info{
		Name:      u.GetName(),
		Namespace: "app",
		Object:    u,
		Mapping:   &meta.RESTMapping{GroupVersionKind: u.GroupVersionKind()},
	}
}

func names(rl kube.ResourceList) []string {
	var out []string
	for _, r := range rl {
		out = append(out, r.Name)
	}
	return out
}

func TestSplitTTLJobs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		manifest string
		apart    bool
	}{
		{"Job with a TTL", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {ttlSecondsAfterFinished: 300, template: {spec: {restartPolicy: Never, containers: [{name: m, image: m}]}}}", true},
		{"Job with a TTL of 0", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {ttlSecondsAfterFinished: 0, template: {spec: {containers: [{name: m, image: m}]}}}", true},
		{"Job with a TTL longer than any timeout", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {ttlSecondsAfterFinished: 2147483647}", true},
		{"Job with the TTL set to null", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {ttlSecondsAfterFinished: ~, template: {spec: {containers: [{name: m, image: m}]}}}", false},
		{"Job without a TTL", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {template: {spec: {containers: [{name: m, image: m}]}}}", false},
		{"CronJob whose Jobs have a TTL", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\n" +
			"spec: {schedule: '0 0 * * *', jobTemplate: {spec: {ttlSecondsAfterFinished: 10}}}", false},
		{"Deployment with a stray TTL field", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n" +
			"spec: {ttlSecondsAfterFinished: 10}", false},
		{"a custom kind named Job", "apiVersion: example.com/v1\nkind: Job\nmetadata: {name: custom}\n" +
			"spec: {ttlSecondsAfterFinished: 10}", false},
		{"a TTL that is not a number", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {ttlSecondsAfterFinished: '300; rm -rf /'}", false},
		{"a TTL that is a map", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n" +
			"spec: {ttlSecondsAfterFinished: {a: b}}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			web := info(t, "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}")
			obj := info(t, tt.manifest)
			rest, apart := splitTTLJobs(kube.ResourceList{web, obj})
			if tt.apart {
				assert.Equal(t, kube.ResourceList{web}, rest)
				assert.Equal(t, kube.ResourceList{obj}, apart)
			} else {
				assert.Equal(t, kube.ResourceList{web, obj}, rest)
				assert.Empty(t, apart)
			}
		})
	}
	assert.False(t, hasTTL(nil))
	assert.False(t, hasTTL(&resource.Info{}))
}

// fakeWaiter records the groups it is asked to wait for; its waits answer
// with wait.
type fakeWaiter struct {
	kube.Waiter
	mu     sync.Mutex
	groups [][]string
	wait   func(rl kube.ResourceList, jobs bool) error
}

func (f *fakeWaiter) record(rl kube.ResourceList, jobs bool) error {
	f.mu.Lock()
	f.groups = append(f.groups, names(rl))
	f.mu.Unlock()
	return f.wait(rl, jobs)
}

func (f *fakeWaiter) Wait(rl kube.ResourceList, _ time.Duration) error { return f.record(rl, false) }

func (f *fakeWaiter) WaitWithJobs(rl kube.ResourceList, _ time.Duration) error {
	return f.record(rl, true)
}

func (f *fakeWaiter) sorted() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.groups)
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

// releaseObjects returns a release's objects: a Deployment, a Job with a
// TTL, a Job without one and another Job with a TTL.
func releaseObjects(t *testing.T) kube.ResourceList {
	t.Helper()
	return kube.ResourceList{
		info(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}"),
		info(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec: {ttlSecondsAfterFinished: 1}"),
		info(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: seed}"),
		info(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: warm}\nspec: {ttlSecondsAfterFinished: 300}"),
	}
}

// TestTTLJobWaiterWaitsApart: each Job with a TTL is waited for alone and
// the rest together, all at the same time (a wait for the other objects
// that blocks until the Jobs' waits have started still ends), for both
// kinds of wait.
func TestTTLJobWaiterWaitsApart(t *testing.T) {
	t.Parallel()
	for _, jobs := range []bool{false, true} {
		var started sync.WaitGroup
		started.Add(3)
		f := &fakeWaiter{wait: func(kube.ResourceList, bool) error {
			started.Done()
			started.Wait()
			return nil
		}}
		w := &ttlJobWaiter{Waiter: f}
		done := make(chan error, 1)
		go func() {
			if jobs {
				done <- w.WaitWithJobs(releaseObjects(t), time.Minute)
			} else {
				done <- w.Wait(releaseObjects(t), time.Minute)
			}
		}()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("the waits ran one after the other (jobs: %v)", jobs)
		}
		assert.Equal(t, [][]string{{"migrate"}, {"warm"}, {"web", "seed"}}, f.sorted())
	}
}

// TestTTLJobWaiterErrors: a failing wait, of the Jobs or of the rest, fails
// the whole wait, with every error kept; without Jobs with a TTL the list
// is passed on whole, once.
func TestTTLJobWaiterErrors(t *testing.T) {
	t.Parallel()
	jobFailed := errors.New("resource Job/app/migrate not ready. status: Failed")
	webSlow := errors.New("resource Deployment/app/web not ready. status: InProgress")
	f := &fakeWaiter{wait: func(rl kube.ResourceList, _ bool) error {
		switch rl[0].Name {
		case "migrate":
			return jobFailed
		case "web":
			return webSlow
		}
		return nil
	}}
	var mu sync.Mutex
	var done []string
	w := &ttlJobWaiter{Waiter: f, done: func(j *resource.Info) {
		mu.Lock()
		done = append(done, j.Name)
		mu.Unlock()
	}}
	err := w.WaitWithJobs(releaseObjects(t), time.Minute)
	require.ErrorIs(t, err, jobFailed)
	require.ErrorIs(t, err, webSlow)
	assert.Equal(t, []string{"warm"}, done, "only the Job whose wait ended well is done")

	plain := &fakeWaiter{wait: func(kube.ResourceList, bool) error { return webSlow }}
	rl := releaseObjects(t)
	err = (&ttlJobWaiter{Waiter: plain}).WaitWithJobs(kube.ResourceList{rl[0], rl[2]}, time.Minute)
	require.ErrorIs(t, err, webSlow)
	assert.Equal(t, [][]string{{"web", "seed"}}, plain.sorted())

}

// TestWithTTLJobWait: deploys get a client whose waiters wait apart, the
// client's other calls are its own, and restore puts it back.
func TestWithTTLJobWait(t *testing.T) {
	t.Parallel()
	orig := &kubefake.FailingKubeClient{PrintingKubeClient: kubefake.PrintingKubeClient{Out: io.Discard}}
	cfg := &action.Configuration{KubeClient: orig}
	restore := withTTLJobWait(cfg, nil)
	wrapped, ok := cfg.KubeClient.(*ttlJobKube)
	require.True(t, ok)
	assert.Same(t, orig, wrapped.Interface)
	again := withTTLJobWait(cfg, nil)
	assert.Same(t, wrapped, cfg.KubeClient, "wrapped once only")
	again()
	assert.Same(t, wrapped, cfg.KubeClient)

	for _, ws := range []kube.WaitStrategy{kube.StatusWatcherStrategy, kube.HookOnlyStrategy} {
		w, err := wrapped.GetWaiterWithOptions(ws)
		require.NoError(t, err)
		assert.IsType(t, &ttlJobWaiter{}, w)
		w, err = wrapped.GetWaiter(ws)
		require.NoError(t, err)
		assert.IsType(t, &ttlJobWaiter{}, w)
	}
	orig.WaitError = errors.New("not ready")
	w, err := wrapped.GetWaiter(kube.StatusWatcherStrategy)
	require.NoError(t, err)
	require.ErrorIs(t, w.WaitWithJobs(releaseObjects(t), time.Minute), orig.WaitError)

	restore()
	assert.Same(t, orig, cfg.KubeClient)
}

// TestProgressForget: the progress line forgets a Job whose wait ended,
// and only that Job, and then names what was waited for before it.
func TestProgressForget(t *testing.T) {
	t.Parallel()
	p := &progress{}
	assert.Empty(t, p.get())
	p.set("Deployment/app/web", "InProgress")
	p.set("Job/app/migrate", "InProgress")
	assert.Equal(t, "Job/app/migrate (InProgress)", p.get())
	p.forget("Job/app/migrate-2")
	assert.Equal(t, "Job/app/migrate (InProgress)", p.get())
	p.forget("Job/app/migrate")
	assert.Equal(t, "Deployment/app/web (InProgress)", p.get())
	p.set("Job/app/migrate", "InProgress")
	p.set("Deployment/app/web", "InProgress")
	p.forget("Job/app/migrate")
	assert.Equal(t, "Deployment/app/web (InProgress)", p.get())
	p.forget("Deployment/app/web")
	assert.Empty(t, p.get())
}
