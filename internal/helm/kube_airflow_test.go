package helm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/kubetest"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// airflowChart returns the official Airflow chart from the shared test
// data, relative to the repository root (the stage joins a local chart to
// it).
func airflowChart(t *testing.T) string {
	t.Helper()
	dir := testtools.SharedTestdata(t, "charts/airflow")
	rel, err := filepath.Rel(repoRoot(t), dir)
	require.NoError(t, err)
	return rel
}

// airflowBootstrap creates in ns what deploy/bootstrap.sh and the Meltano
// release create before Airflow is deployed: the Secrets the values name,
// the Meltano job pod template, and the log claim (bound to a volume of
// its own).
func airflowBootstrap(t *testing.T, cs *kubernetes.Clientset, ns string) {
	t.Helper()
	ctx := t.Context()
	secrets := map[string]map[string]string{
		"airflow-metadata":       {"connection": "postgresql://airflow:bootstrap-password@db.internal:5432/airflow?sslmode=require"},
		"airflow-fernet-key":     {"fernet-key": "c2VjcmV0LWZlcm5ldC1rZXktZm9yLXRlc3RzLW9ubHk="},
		"airflow-api-secret-key": {"api-secret-key": "api-secret-for-tests"},
		"airflow-jwt-secret":     {"jwt-secret": "jwt-secret-for-tests"},
	}
	for name, data := range secrets {
		_, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: data}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "meltano-job-pod-template"},
		Data: map[string]string{"pod-template.yaml": "apiVersion: v1\nkind: Pod\n"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	pv := ns + "-logs"
	empty := ""
	_, err = cs.CoreV1().PersistentVolumes().Create(ctx, &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: pv},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			StorageClassName:              "",
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/" + pv}},
			ClaimRef:                      &corev1.ObjectReference{Namespace: ns, Name: "meltano-logs"},
		},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.CoreV1().PersistentVolumes().Delete(t.Context(), pv, metav1.DeleteOptions{}) })
	_, err = cs.CoreV1().PersistentVolumeClaims(ns).Create(ctx, &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "meltano-logs"},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			StorageClassName: &empty,
			VolumeName:       pv,
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
}

// airflowOptions returns the reference deployment's Airflow release, with
// the copy of the chart in place of the pinned release from the chart
// repository, deployed to ns with the example inventory.
func airflowOptions(t *testing.T, kc *kubetest.Cluster, ns string) Options {
	t.Helper()
	rel := referenceRelease(t, "airflow")
	rel.Repo, rel.Version, rel.Chart = "", "", airflowChart(t)
	rel.Namespace = ns
	// Honest for the 2-core machines tests run on: the install of about
	// forty objects takes well under a minute on the control plane.
	rel.Timeout = config.Duration(4 * time.Minute)
	opts := kubeOptions(t, kc, ns)
	opts.Root = repoRoot(t)
	opts.Stack = plan.Stack{Tier: "project", Environment: "staging"}
	opts.Release = rel
	opts.Inventory = referenceInventory(t)
	return opts
}

// TestKubeAirflowChart deploys the official Airflow chart with
// deploy/airflow's values and the example inventory, the way the
// reference deployment runs it: plan, install, a values change, upgrade,
// and a live edit reported as drift.
func TestKubeAirflowChart(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	cs := clientset(t, kc)
	airflowBootstrap(t, cs, ns)
	opts := airflowOptions(t, kc, ns)
	ctx := t.Context()

	res, err := newStage(t, opts).Plan(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{NoteServer, NoteFirstInstall}, res.Notes)
	migrations := "Job/" + ns + "/airflow-run-airflow-migrations"
	found := false
	var hooks []string
	for _, r := range res.Resources {
		assert.NotContains(t, r.Address, "create-user")
		if strings.HasPrefix(r.Reason, "Helm hook") {
			hooks = append(hooks, r.Address+" "+r.Reason)
		}
		if r.Address == migrations {
			found = true
			assert.Equal(t, plan.Create, r.Action)
		}
	}
	assert.True(t, found, "no migration Job in the plan")
	// The chart's only hook with these values: a pre-install Secret, which
	// runs before the objects and waits for nothing.
	assert.Equal(t, []string{"Secret/" + ns + "/airflow-broker-url Helm hook (pre-install)"}, hooks)

	start := time.Now()
	res, err = newStage(t, opts).Apply(ctx)
	require.NoError(t, err, res.Diff)
	t.Logf("install with wait took %s (%d objects)", time.Since(start).Round(time.Millisecond), res.Counts.Add)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)

	// The migrations ran as a Job of the release, and no user was created.
	job, err := cs.BatchV1().Jobs(ns).Get(ctx, "airflow-run-airflow-migrations", metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotContains(t, job.Annotations, "helm.sh/hook")
	assert.Equal(t, "airflow", job.Annotations["meta.helm.sh/release-name"], "the Job belongs to the release")
	assert.GreaterOrEqual(t, job.Status.Succeeded, int32(1), "the install waited for the migrations")
	jobs, err := cs.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	for _, j := range jobs.Items {
		assert.NotContains(t, j.Name, "create-user")
	}
	pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	require.NoError(t, err)
	for _, p := range pods.Items {
		assert.NotContains(t, p.Name, "create-user")
	}
	sched, err := cs.AppsV1().Deployments(ns).Get(ctx, "airflow-scheduler", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), sched.Status.ReadyReplicas)

	res, err = newStage(t, opts).Plan(ctx)
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)

	// A values change: a new image, and two schedulers.
	staging, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "airflow", "values-staging.yaml"))
	require.NoError(t, err)
	changed := strings.Replace(string(staging), "3.2.2-2026.11.0", "3.2.2-2026.12.0", 1)
	changed = strings.Replace(changed, "scheduler:\n  replicas: 1", "scheduler:\n  replicas: 2", 1)
	require.NotEqual(t, string(staging), changed)
	opts.Release.Values = []string{opts.Release.Values[0], valuesFile(t, changed)}
	res, err = newStage(t, opts).Plan(ctx)
	require.NoError(t, err)
	assert.Equal(t, plan.Update, addresses(res.Resources)["Deployment/"+ns+"/airflow-scheduler"])
	assert.Equal(t, plan.Update, addresses(res.Resources)[migrations], "the new image migrates the database")
	assert.Contains(t, res.Diff, "-  replicas: 1\n+  replicas: 2\n")
	assert.Contains(t, res.Diff, ":3.2.2-2026.12.0\n")
	planned := res.Fingerprint

	start = time.Now()
	res, err = newStage(t, opts).Apply(ctx)
	require.NoError(t, err, res.Diff)
	t.Logf("upgrade with wait took %s", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, planned, res.Fingerprint)
	sched, err = cs.AppsV1().Deployments(ns).Get(ctx, "airflow-scheduler", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(2), sched.Status.ReadyReplicas)
	res, err = newStage(t, opts).Plan(ctx)
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)

	res, err = newStage(t, opts).Drift(ctx)
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)

	// A live edit, as kubectl edit makes it.
	require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
		sched, err := cs.AppsV1().Deployments(ns).Get(ctx, "airflow-scheduler", metav1.GetOptions{})
		if err != nil {
			return err
		}
		sched.Spec.Template.Spec.Containers[0].Image = "registry.example/airflow:hotfix"
		_, err = cs.AppsV1().Deployments(ns).Update(ctx, sched, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
		return err
	}))
	res, err = newStage(t, opts).Drift(ctx)
	require.NoError(t, err)
	assert.True(t, res.HasChanges)
	assert.Equal(t, map[string]plan.Action{"Deployment/" + ns + "/airflow-scheduler": plan.Update}, addresses(res.Resources))
	assert.Contains(t, res.Diff, "+        image: registry.example/airflow:hotfix\n")
}
