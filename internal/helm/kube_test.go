package helm

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/kubetest"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// controlPlane is the package's Kubernetes control plane, started by the
// first test that needs it.
var controlPlane kubetest.Shared

func TestMain(m *testing.M) { os.Exit(controlPlane.Run(m)) }

// kubeOptions returns options for the web chart in namespace ns of kc.
func kubeOptions(t *testing.T, kc *kubetest.Cluster, ns string) Options {
	t.Helper()
	return Options{
		Log:          slog.New(slog.NewTextHandler(t.Output(), nil)),
		Kubeconfig:   kc.Kubeconfig(),
		RepoCacheDir: t.TempDir(),
		Root:         testdata(t),
		Stack:        plan.Stack{Tier: "project", Environment: "prod"},
		Release: config.Release{Release: "web", Namespace: ns, Chart: "charts/web",
			Timeout: config.Duration(2 * time.Minute)},
	}
}

func clientset(t *testing.T, kc *kubetest.Cluster) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	return cs
}

// kubeHistory returns the statuses of the release's revisions.
func kubeHistory(t *testing.T, opts Options) []string {
	t.Helper()
	s := newStage(t, opts)
	c, err := s.cluster(t.Context())
	require.NoError(t, err)
	require.NoError(t, c.unreachable)
	return statuses(t, c)
}

func TestKubeInstallDiffUpgrade(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	opts := kubeOptions(t, kc, ns)
	opts.Release.Values = []string{valuesFile(t, "database:\n  password: first-password\n")}

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{NoteServer, NoteFirstInstall}, res.Notes)
	assert.Equal(t, plan.Counts{Add: 5}, res.Counts)

	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)
	deploy, err := clientset(t, kc).AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), deploy.Status.AvailableReplicas)

	res, err = newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)

	// A values change, with a Secret value among them.
	opts.Release.Values = []string{valuesFile(t, "replicaCount: 2\ngreeting: bonjour\ndatabase:\n  password: second-password\n")}
	res, err = newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{NoteServer}, res.Notes)
	assert.Equal(t, map[string]plan.Action{
		"ConfigMap/" + ns + "/web":  plan.Update,
		"Deployment/" + ns + "/web": plan.Update,
		"Secret/" + ns + "/web":     plan.Update,
	}, addresses(res.Resources))
	assert.Contains(t, res.Diff, "-  GREETING: hello\n+  GREETING: bonjour\n")
	assert.Contains(t, res.Diff, "-  replicas: 1\n+  replicas: 2\n")
	assert.Contains(t, res.Diff, "-  password: '(secret: 14 bytes)'\n+  password: '(secret: 15 bytes, changed)'\n")
	assert.NotContains(t, res.Diff, "first-password")
	assert.NotContains(t, res.Diff, "second-password")
	planned := res.Fingerprint

	// The upgrade runs the pre-upgrade hook and waits for two ready pods.
	start := time.Now()
	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	t.Logf("upgrade with wait took %s", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, planned, res.Fingerprint)
	assert.Equal(t, []string{"upgrade: revision 2 deployed"}, res.Notes)
	deploy, err = clientset(t, kc).AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(2), deploy.Status.AvailableReplicas)
	assert.Equal(t, []string{"superseded", "deployed"}, kubeHistory(t, opts))

	res, err = newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
}

func TestKubeFailingUpgradeIsRolledBack(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	opts := kubeOptions(t, kc, ns)
	opts.Release.Values = []string{valuesFile(t, "hook: false\n")}
	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)

	// No node matches: the new pod never runs and the wait times out.
	opts.Release.Values = []string{valuesFile(t, "hook: false\nimage:\n  tag: broken\nnodeSelector:\n  tierdeploy.test/none: \"true\"\n")}
	opts.Release.Timeout = config.Duration(10 * time.Second)
	res, err := newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rolled back")
	assert.Equal(t, []string{"upgrade failed: rolled back to revision 1 (now revision 3)"}, res.Notes)
	assert.Equal(t, []string{"superseded", "failed", "deployed"}, kubeHistory(t, opts))

	deploy, err := clientset(t, kc).AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "registry.example/web:2.1.0", deploy.Spec.Template.Spec.Containers[0].Image)
	assert.Empty(t, deploy.Spec.Template.Spec.NodeSelector)
}

func TestKubeDrift(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	cs := clientset(t, kc)
	ctx := t.Context()
	opts := kubeOptions(t, kc, ns)
	opts.Release.Values = []string{valuesFile(t, "hook: false\ndatabase:\n  password: the-password\n")}
	_, err := newStage(t, opts).Apply(ctx)
	require.NoError(t, err)

	// Right after the deploy: defaults, status and server-side fields are
	// no drift.
	res, err := newStage(t, opts).Drift(ctx)
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
	assert.Equal(t, []string{"compared the live objects with revision 1 (deployed)"}, res.Notes)

	// An autoscaler owns the replicas.
	_, err = cs.AutoscalingV2().HorizontalPodAutoscalers(ns).Create(ctx, &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "web"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{APIVersion: "apps/v1", Kind: "Deployment", Name: "web"},
			MinReplicas:    ptr.To[int32](1),
			MaxReplicas:    5,
		},
	}, metav1.CreateOptions{})
	require.NoError(t, err)

	// Edits as kubectl edit makes them: an image, a ConfigMap value, a
	// Secret value, the replicas; and a deleted Service.
	deploy, err := cs.AppsV1().Deployments(ns).Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	deploy.Spec.Template.Spec.Containers[0].Image = "registry.example/web:hotfix"
	deploy.Spec.Replicas = ptr.To[int32](3)
	_, err = cs.AppsV1().Deployments(ns).Update(ctx, deploy, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
	require.NoError(t, err)
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	cm.Data["GREETING"] = "edited by hand"
	_, err = cs.CoreV1().ConfigMaps(ns).Update(ctx, cm, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
	require.NoError(t, err)
	sec, err := cs.CoreV1().Secrets(ns).Get(ctx, "web", metav1.GetOptions{})
	require.NoError(t, err)
	sec.Data["password"] = []byte("edited-password")
	_, err = cs.CoreV1().Secrets(ns).Update(ctx, sec, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
	require.NoError(t, err)
	require.NoError(t, cs.CoreV1().Services(ns).Delete(ctx, "web", metav1.DeleteOptions{}))

	res, err = newStage(t, opts).Drift(ctx)
	require.NoError(t, err)
	assert.True(t, res.HasChanges)
	assert.Equal(t, map[string]plan.Action{
		"ConfigMap/" + ns + "/web":  plan.Update,
		"Deployment/" + ns + "/web": plan.Update,
		"Secret/" + ns + "/web":     plan.Update,
		"Service/" + ns + "/web":    plan.Delete,
	}, addresses(res.Resources))
	assert.Contains(t, res.Diff, "-        image: registry.example/web:2.1.0\n+        image: registry.example/web:hotfix\n")
	assert.Contains(t, res.Diff, "-  GREETING: hello\n+  GREETING: edited by hand\n")
	assert.Contains(t, res.Diff, "-  password: '(secret: 12 bytes)'\n+  password: '(secret: 15 bytes, changed)'\n")
	assert.NotContains(t, res.Diff, "replicas")
	assert.NotContains(t, res.Diff, "edited-password")
	assert.NotContains(t, res.Diff, "the-password")
	assert.Contains(t, res.Secrets, "edited-password")
}

// TestKubeHelperApply is the deploy that TestKubePendingRelease kills: it
// runs only in the child process that test starts.
func TestKubeHelperApply(t *testing.T) {
	if os.Getenv("TIERDEPLOY_HELM_HELPER") != "apply" {
		t.Skip("helper process of TestKubePendingRelease")
	}
	var opts Options
	opts.Kubeconfig = os.Getenv("TIERDEPLOY_HELM_KUBECONFIG")
	opts.Root = testdata(t)
	opts.Stack = plan.Stack{Tier: "project", Environment: "prod"}
	opts.Release = config.Release{Release: "web", Namespace: os.Getenv("TIERDEPLOY_HELM_NAMESPACE"), Chart: "charts/web",
		Values: []string{os.Getenv("TIERDEPLOY_HELM_VALUES")}, Timeout: config.Duration(10 * time.Minute)}
	_, err := newStage(t, opts).Apply(context.Background())
	t.Fatalf("the deploy was meant to be killed, but it ended: %v", err)
}

func TestKubePendingRelease(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	opts := kubeOptions(t, kc, ns)
	opts.Release.Values = []string{valuesFile(t, "hook: false\n")}
	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)

	// An upgrade that waits for a pod no node can run, killed while it
	// waits, as a CI job killed by its timeout.
	stuck := valuesFile(t, "hook: false\nnodeSelector:\n  tierdeploy.test/none: \"true\"\n")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKubeHelperApply$", "-test.v")
	cmd.Env = append(os.Environ(), "TIERDEPLOY_HELM_HELPER=apply", "TIERDEPLOY_HELM_KUBECONFIG="+kc.Kubeconfig(),
		"TIERDEPLOY_HELM_NAMESPACE="+ns, "TIERDEPLOY_HELM_VALUES="+stuck)
	cmd.Stdout, cmd.Stderr = t.Output(), t.Output()
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.Eventually(t, func() bool {
		h := kubeHistory(t, opts)
		return len(h) == 2 && h[1] == "pending-upgrade"
	}, 2*time.Minute, 200*time.Millisecond, "the upgrade never became pending")
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	// Plan and apply refuse, and say how to recover.
	for _, step := range []func(*Stage, context.Context) (plan.Result, error){(*Stage).Plan, (*Stage).Apply, (*Stage).Drift} {
		_, err = step(newStage(t, opts), t.Context())
		var pe *PendingReleaseError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "pending-upgrade", pe.Status)
		assert.Equal(t, 2, pe.Revision)
		assert.Equal(t, "helm rollback web 1 --namespace "+ns, pe.Recovery)
	}
	assert.Equal(t, []string{"deployed", "pending-upgrade"}, kubeHistory(t, opts))

	// The recovery command, through the SDK, makes the release deployable.
	s := newStage(t, opts)
	c, err := s.cluster(t.Context())
	require.NoError(t, err)
	rb := action.NewRollback(c.cfg)
	rb.Version = 1
	rb.WaitStrategy = kube.HookOnlyStrategy
	require.NoError(t, rb.Run("web"))
	res, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"upgrade: revision 4 deployed"}, res.Notes)
	h, err := readHistory(c.cfg.Releases, "web")
	require.NoError(t, err)
	assert.Equal(t, rcommon.StatusDeployed, h.last.Info.Status)
}

func TestKubeExampleChart(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	root, err := filepath.Abs(filepath.Join("..", "..", "examples", "two-tier"))
	require.NoError(t, err)
	cfg, err := config.Load(filepath.Join(root, config.DefaultFile))
	require.NoError(t, err)
	rel := cfg.Tier("project").Helm[0]
	// A namespace the install creates.
	ns := "example-" + kc.Namespace(t)
	cs := clientset(t, kc)
	t.Cleanup(func() {
		_ = cs.CoreV1().Namespaces().Delete(context.Background(), ns, metav1.DeleteOptions{})
	})
	rel.Namespace = ns

	opts := kubeOptions(t, kc, ns)
	opts.Root = root
	opts.Release = rel.Expanded("staging")
	opts.Stack = plan.Stack{Tier: "project", Environment: "staging"}
	opts.Inventory = exampleInventory(t)

	res, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)
	assert.Equal(t, plan.Counts{Add: 3}, res.Counts)
	cm, err := cs.CoreV1().ConfigMaps(ns).Get(t.Context(), "app", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "db.staging.internal", cm.Data["DATABASE_HOST"])

	res, err = newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
}

func TestKubeMeltanoChart(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(root, "charts", "meltano", "Chart.yaml")); err != nil {
		t.Skip("charts/meltano is not in this checkout")
	}
	cfg, err := config.Load(filepath.Join(root, "tierdeploy.reference.yaml"))
	require.NoError(t, err)
	var rel config.Release
	for _, r := range cfg.Tier("project").Helm {
		if r.Release == "meltano" {
			rel = r
		}
	}
	require.Equal(t, "meltano", rel.Release)
	data, err := os.ReadFile(filepath.Join(root, "test", "reference", "testdata", "inventory.json"))
	require.NoError(t, err)
	doc, err := inventory.Parse(data)
	require.NoError(t, err)

	ns := kc.Namespace(t)
	cs := clientset(t, kc)
	for _, secret := range []string{"meltano-database", "meltano-dotenv"} {
		_, err := cs.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: secret},
			StringData: map[string]string{"password": "bootstrap-password", ".env": "TAP_TOKEN=x\n"},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	// The chart's log volume is cluster-scoped and retained.
	t.Cleanup(func() {
		_ = cs.CoreV1().PersistentVolumes().Delete(context.Background(), ns+"-meltano-logs", metav1.DeleteOptions{})
	})
	rel.Namespace = ns
	opts := kubeOptions(t, kc, ns)
	opts.Root = root
	opts.Release = rel.Expanded("staging")
	opts.Release.Timeout = config.Duration(3 * time.Minute)
	opts.Stack = plan.Stack{Tier: "project", Environment: "staging"}
	opts.Inventory = doc

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.True(t, res.HasChanges)
	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err, res.Diff)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)

	res, err = newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
	res, err = newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
}

// exampleInventory is an inventory of the two-tier example's
// infrastructure. The storage claim is empty: the control plane has no
// such volume, and a pod waiting for a missing claim never runs.
func exampleInventory(t *testing.T) *inventory.Document {
	t.Helper()
	doc, err := inventory.Parse([]byte(`{"schema":"tierdeploy.inventory/v1","environment":"staging","tier":"infrastructure",
		"commit":"89abcdef01234567","created":"2026-01-02T03:04:05Z","sensitive":["database_password"],
		"values":{"database":{"host":"db.staging.internal","port":5432,"name":"shop"},"database_password":"pw-123456",
		"registry":{"url":"registry.staging.example"},"storage":{"claim":""}}}`))
	require.NoError(t, err)
	return doc
}
