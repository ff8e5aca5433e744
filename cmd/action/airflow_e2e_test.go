package main

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// referenceRelease returns a release of the reference configuration
// (tierdeploy.reference.yaml).
func referenceRelease(t *testing.T, name string) config.Release {
	t.Helper()
	cfg, err := config.Load(filepath.Join(testtools.Root(t), "tierdeploy.reference.yaml"))
	require.NoError(t, err)
	for _, r := range cfg.Tier("project").Helm {
		if r.Release == name {
			return r
		}
	}
	t.Fatalf("release %s is not in tierdeploy.reference.yaml", name)
	return config.Release{}
}

// releaseYAML writes a release of the reference configuration as a helm:
// entry of a test repository's configuration: its values files and
// inventory values as the reference has them, the chart at chart, in
// namespace ns.
func releaseYAML(rel config.Release, chart, ns, timeout string) string {
	var b strings.Builder
	b.WriteString("      - release: " + rel.Release + "\n        namespace: " + ns + "\n        chart: " + chart + "\n        timeout: " + timeout + "\n        values:\n")
	for _, v := range rel.Values {
		b.WriteString("          - " + strconv.Quote(v) + "\n")
	}
	b.WriteString("        inventory_values:\n")
	keys := make([]string, 0, len(rel.InventoryValues))
	for k := range rel.InventoryValues {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString("          " + strconv.Quote(k) + ": " + strconv.Quote(rel.InventoryValues[k]) + "\n")
	}
	return b.String()
}

// referenceRepo is a repository laid out as the reference deployment for
// one release: deploy/<release>/ and the chart at chart (copied from
// chartDir), with the reference's release in namespace ns, the
// infrastructure's Terraform infra, and the reference's example inventory
// published for staging.
func referenceRepo(t *testing.T, release, chartDir, chart, ns, timeout, infra string) *gittest.Repo {
	t.Helper()
	root := testtools.Root(t)
	r := gittest.New(t)
	copyTree(t, chartDir, filepath.Join(r.Dir, filepath.FromSlash(chart)))
	for _, f := range []string{"values.yaml", "values-staging.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, "deploy", release, f))
		require.NoError(t, err)
		r.Write(map[string]string{"deploy/" + release + "/" + f: string(b)})
	}
	r.Write(map[string]string{
		"terraform/main.tf": infra,
		"tierdeploy.yaml": `version: 1
terraform:
  binary: tofu
inventory:
  store: file
environments:
  - name: staging
tiers:
  - name: infrastructure
    paths: ["terraform/**"]
    terraform:
      dir: terraform
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    paths: ["charts/**", "deploy/**"]
    helm:
` + releaseYAML(referenceRelease(t, release), chart, ns, timeout)})
	r.Commit("the reference's " + release + " release")
	code, out := run(t, "inventory", "put", "--chdir", r.Dir, "--environment", "staging",
		"--file", filepath.Join(root, "test", "reference", "testdata", "inventory.json"))
	require.Equal(t, 0, code, out)
	return r
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
	_, err = cs.CoreV1().PersistentVolumes().Create(ctx, &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: pv},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/tmp/" + pv}},
			ClaimRef:                      &corev1.ObjectReference{Namespace: ns, Name: "meltano-logs"},
		},
	}, metav1.CreateOptions{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.CoreV1().PersistentVolumes().Delete(t.Context(), pv, metav1.DeleteOptions{}) })
	empty := ""
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

// TestAirflowThroughTheCommandLine deploys the official Airflow chart
// with deploy/airflow's values and the reference's inventory_values and
// example inventory, through the command line: plan, install, a values
// change planned and applied, and a live edit reported as drift. With the
// shipped values the migration Job is an object of the release, not a
// hook, and no user-creation Job runs.
func TestAirflowThroughTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a control plane")
	}
	kc := controlPlane.Get(t)
	clearCI(t)
	t.Setenv("KUBECONFIG", kc.Kubeconfig())
	ns := kc.Namespace(t)
	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	airflowBootstrap(t, cs, ns)
	// Honest for the 2-core machines tests run on: the install of about
	// forty objects takes well under a minute on the control plane.
	// The infrastructure is not applied here: its inventory is the
	// reference's example.
	r := referenceRepo(t, "airflow", testtools.SharedTestdata(t, "charts/airflow"), "charts/airflow", ns, "4m",
		"output \"region\" {\n  value = \"eu-west-1\"\n}\n")
	args := func(cmd string, more ...string) []string {
		return append([]string{cmd, "--chdir", r.Dir, "--environment", "staging", "--tier", "project"}, more...)
	}
	migrations := "Job/" + ns + "/airflow-run-airflow-migrations"

	code, out := run(t, args("plan", "--all")...)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "first install: every object is added")
	require.Contains(t, out, "+   "+migrations+"\n", "the migrations are an object of the release, not a hook")
	assert.NotContains(t, out, "create-user")
	var hooks []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "+   ") && strings.Contains(l, "Helm hook") {
			hooks = append(hooks, l)
		}
	}
	// The chart's only hook with these values: a pre-install Secret, which
	// runs before the objects and waits for nothing.
	require.Len(t, hooks, 1, strings.Join(hooks, "\n"))
	assert.Contains(t, hooks[0], "Secret/"+ns+"/airflow-broker-url")

	code, out = run(t, args("apply", "--all")...)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "install: revision 1 deployed")
	job, err := cs.BatchV1().Jobs(ns).Get(t.Context(), "airflow-run-airflow-migrations", metav1.GetOptions{})
	require.NoError(t, err)
	assert.NotContains(t, job.Annotations, "helm.sh/hook")
	assert.Equal(t, "airflow", job.Annotations["meta.helm.sh/release-name"], "the Job belongs to the release")
	assert.GreaterOrEqual(t, job.Status.Succeeded, int32(1), "the install waited for the migrations")
	jobs, err := cs.BatchV1().Jobs(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	for _, j := range jobs.Items {
		assert.NotContains(t, j.Name, "create-user")
	}
	pods, err := cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	for _, p := range pods.Items {
		assert.NotContains(t, p.Name, "create-user")
	}
	sched, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "airflow-scheduler", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), sched.Status.ReadyReplicas)
	// The inventory reached the release.
	assert.Contains(t, sched.Spec.Template.Spec.Containers[0].Image, "dkr.ecr.eu-west-1.amazonaws.com/")
	assert.Contains(t, sched.Spec.Template.Spec.Containers[0].Image, ":3.2.2-2026.11.0")

	code, out = run(t, args("plan", "--all")...)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "| `project/staging` | ✅ no changes |")

	// A values change: a new image, and two schedulers.
	p := filepath.Join(r.Dir, "deploy", "airflow", "values-staging.yaml")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	changed := strings.Replace(string(b), "3.2.2-2026.11.0", "3.2.2-2026.12.0", 1)
	changed = strings.Replace(changed, "scheduler:\n  replicas: 1", "scheduler:\n  replicas: 2", 1)
	require.NotEqual(t, string(b), changed)
	r.Write(map[string]string{"deploy/airflow/values-staging.yaml": changed})
	r.Commit("airflow 2026.12.0, two schedulers")
	code, out = run(t, args("plan", "--base", "HEAD~1", "--head", "HEAD")...)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Affected by `deploy/airflow/values-staging.yaml`.")
	assert.Contains(t, out, "!   Deployment/"+ns+"/airflow-scheduler\n")
	assert.Contains(t, out, "!   "+migrations, "the new image migrates the database")
	assert.Contains(t, out, "-  replicas: 1\n+  replicas: 2\n")
	assert.Contains(t, out, ":3.2.2-2026.12.0\n")

	code, out = run(t, args("apply", "--base", "HEAD~1", "--head", "HEAD")...)
	require.Equal(t, 0, code, out)
	sched, err = cs.AppsV1().Deployments(ns).Get(t.Context(), "airflow-scheduler", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(2), sched.Status.ReadyReplicas)

	code, out = run(t, args("drift")...)
	require.Equal(t, 0, code, out)

	// A live edit, as kubectl edit makes it.
	require.NoError(t, retry.RetryOnConflict(retry.DefaultRetry, func() error {
		sched, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "airflow-scheduler", metav1.GetOptions{})
		if err != nil {
			return err
		}
		sched.Spec.Template.Spec.Containers[0].Image = "registry.example/airflow:hotfix"
		_, err = cs.AppsV1().Deployments(ns).Update(t.Context(), sched, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
		return err
	}))
	code, out = run(t, args("drift")...)
	require.Equal(t, app.ExitChanges, code, out)
	assert.Contains(t, out, "project/staging")
	assert.Contains(t, out, "drifted")
}
