package kubetest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// ToolOptions returns Options that use the control plane installed by
// `scripts/install-tools.sh k8s`. When it is missing the test is skipped, or
// failed when CI is set (see testtools.Require).
func ToolOptions(t testing.TB) Options {
	t.Helper()
	bin := filepath.Dir(testtools.Require(t, "k8s", filepath.Join("k8s", "bin", "kube-apiserver")))
	for _, name := range []string{"etcd", "kube-controller-manager", "kube-scheduler", "kwok"} {
		testtools.Require(t, "k8s", filepath.Join("k8s", "bin", name))
	}
	return Options{
		BinDir:     bin,
		StagesFile: testtools.Require(t, "k8s", filepath.Join("k8s", "kwok-stages.yaml")),
	}
}

// Shared is one cluster for all the tests of a package: the first test that
// asks for it starts it, and Run stops it when the package's tests are done.
// Declare it in the test package, next to TestMain:
//
//	var cluster kubetest.Shared
//
//	func TestMain(m *testing.M) { os.Exit(cluster.Run(m)) }
//
//	func TestInstall(t *testing.T) {
//		c := cluster.Get(t)
//		...
//	}
//
// Tests that share it should work in a namespace of their own (see
// [Cluster.Namespace]). If a test binary dies without reaching the end of
// Run, the kernel still kills the components (on Linux), but the cluster
// directory stays behind.
type Shared struct {
	// Options configures the cluster. Empty BinDir and StagesFile mean the
	// installed tools (ToolOptions).
	Options Options

	mu      sync.Mutex
	started bool
	cluster *Cluster
	err     error
}

// Get returns the package's cluster, starting it on first use. It skips the
// test with -short, skips or fails it (under CI) when the tools are not
// installed, and fails it when the cluster could not start.
func (s *Shared) Get(t testing.TB) *Cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("kubetest: no Kubernetes control plane in -short mode")
	}
	opts := s.Options
	if opts.BinDir == "" || opts.StagesFile == "" {
		tools := ToolOptions(t)
		opts.BinDir, opts.StagesFile = tools.BinDir, tools.StagesFile
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		began := time.Now()
		// The cluster outlives the test that starts it, so it does not
		// take that test's context.
		s.cluster, s.err = Start(context.Background(), opts)
		if s.err == nil {
			t.Logf("kubetest: control plane started in %s (logs in %s)", time.Since(began).Round(time.Millisecond), s.cluster.Dir())
		}
	}
	if s.err != nil {
		t.Fatalf("kubetest: %v", s.err)
	}
	return s.cluster
}

// Run runs the package's tests and then stops the cluster if a test
// started it. It returns m.Run's exit code.
func (s *Shared) Run(m *testing.M) int {
	code := m.Run()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cluster != nil {
		s.cluster.Stop()
	}
	return code
}
