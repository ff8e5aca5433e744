package helm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// TestKubeMeltanoPlannedAgainstAPredictedInventory plans the Meltano chart
// while the infrastructure plan replaces the database, the registry, the
// IAM roles and the EFS volume (their values known only after apply): the
// plan succeeds on the server, with stand-ins the chart's schema accepts,
// and names the values it could not check. Apply then checks the real
// values against the schema.
func TestKubeMeltanoPlannedAgainstAPredictedInventory(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	cs := clientset(t, kc)
	for _, secret := range []string{"meltano-database", "meltano-dotenv"} {
		_, err := cs.CoreV1().Secrets(ns).Create(t.Context(), &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: secret},
			StringData: map[string]string{"password": "bootstrap-password", ".env": "TAP_TOKEN=x\n"},
		}, metav1.CreateOptions{})
		require.NoError(t, err)
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().PersistentVolumes().Delete(context.Background(), ns+"-meltano-logs", metav1.DeleteOptions{})
	})
	opts := kubeOptions(t, kc, ns)
	opts.Root = repoRoot(t)
	opts.Stack = plan.Stack{Tier: "project", Environment: "staging"}
	opts.Release = referenceRelease(t, "meltano")
	opts.Release.Namespace = ns
	opts.Release.Timeout = config.Duration(3 * time.Minute)
	opts.Inventory = referenceInventory(t)
	opts.KnownAfterApply = predictedOutputs

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Contains(t, res.Notes, NoteServer)
	names := map[string]string{}
	for _, u := range res.Unchecked {
		names[u.Name] = u.Reason
	}
	for _, path := range []string{"database.host", "database.port", "image.repository", "serviceAccount.roleArn",
		"jobs.serviceAccount.roleArn", "logs.efs.volumeHandle"} {
		assert.Contains(t, names[path], "which satisfies the chart's schema; apply checks the real value", path)
	}
	assert.Contains(t, res.Diff, "volumeHandle: fs-a:known-after-apply")

	// A deploy needs the real values...
	_, err = newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "known only after the infrastructure is applied")

	// ...and checks them: a host the schema refuses fails the deploy.
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "test", "reference", "testdata", "inventory.json"))
	require.NoError(t, err)
	bad, err := inventory.Parse([]byte(strings.Replace(string(data),
		`"host": "meltano-staging.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com"`, `"host": "db host; drop table"`, 1)))
	require.NoError(t, err)
	opts.KnownAfterApply = nil
	opts.Inventory = bad
	_, err = newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "values don't meet the specifications of the schema")
	assert.Contains(t, err.Error(), "/database/host")

	opts.Inventory = referenceInventory(t)
	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err, res.Diff)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)
	assert.Empty(t, res.Unchecked)
}

// TestKubeChartWithCRD plans and installs a chart whose crds/ define the
// kind its templates use, on a cluster that does not know the kind yet.
func TestKubeChartWithCRD(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	opts := kubeOptions(t, kc, ns)
	opts.Release = config.Release{Release: "widgets", Namespace: ns, Chart: "charts/widgets",
		Timeout: config.Duration(2 * time.Minute)}
	dyn, err := dynamic.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	// The CRD is cluster-scoped and outlives the release (Helm never
	// deletes CRDs).
	t.Cleanup(func() {
		_ = dyn.Resource(crds).Delete(context.Background(), "widgets.tierdeploy.test", metav1.DeleteOptions{})
	})

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, map[string]plan.Action{
		"ConfigMap/" + ns + "/widgets-widgets":             plan.Create,
		"CustomResourceDefinition/widgets.tierdeploy.test": plan.Create,
		"Widget/" + ns + "/widgets":                        plan.Create,
	}, addresses(res.Resources))
	assert.Equal(t, []string{NoteServer, NoteFirstInstall,
		"first install: the chart's crds/ (Widget.tierdeploy.test) are created before its other objects",
		"not checked by the API server, which does not know Widget.tierdeploy.test before the CRDs are created: Widget/" + ns + "/widgets",
	}, res.Notes)
	assert.Contains(t, res.Diff, `+  widgetsKnown: "true"`)

	res, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err, res.Diff)
	assert.Equal(t, []string{"install: revision 1 deployed"}, res.Notes)
	w, err := dyn.Resource(schema.GroupVersionResource{Group: "tierdeploy.test", Version: "v1", Resource: "widgets"}).
		Namespace(ns).Get(t.Context(), "widgets", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(3), w.Object["spec"].(map[string]any)["size"])
	cm, err := clientset(t, kc).CoreV1().ConfigMaps(ns).Get(t.Context(), "widgets-widgets", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "true", cm.Data["widgetsKnown"])

	res, err = newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
	res, err = newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
}

// TestKubeWaitFalseAndSetCommit deploys with wait: false a release whose
// pods can never run, and its image tag set to {commit}: the deploy ends
// without waiting and the commit is the tag.
func TestKubeWaitFalseAndSetCommit(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	opts := kubeOptions(t, kc, ns)
	opts.Release.Values = []string{valuesFile(t, "hook: false\nnodeSelector:\n  tierdeploy.test/none: \"true\"\n")}
	opts.Release.Wait = ptr.To(false)
	opts.Release.Set = map[string]config.SetValue{"image.tag": {Value: "{commit}"}}
	opts.Release.Timeout = config.Duration(time.Minute)
	const commit = "3f9c2a7d5b1e4c6f8a0d2b4e6f8a1c3e5d7b9f0a"
	set, err := opts.Release.ExpandSet(config.Vars{Environment: "prod", Commit: commit})
	require.NoError(t, err)
	opts.Set = set

	start := time.Now()
	res, err := newStage(t, opts).Apply(t.Context())
	took := time.Since(start)
	require.NoError(t, err)
	t.Logf("deploy without wait took %s", took.Round(time.Millisecond))
	assert.Less(t, took, 30*time.Second, "the deploy waited")
	assert.Equal(t, []string{"set image.tag = " + commit + " (from {commit})", "install: revision 1 deployed",
		"wait: false: the deploy did not wait for the objects to become ready"}, res.Notes)

	deploy, err := clientset(t, kc).AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "registry.example/web:"+commit, deploy.Spec.Template.Spec.Containers[0].Image)
	assert.Zero(t, deploy.Status.AvailableReplicas, "no pod can run")
	assert.Equal(t, []string{"deployed"}, kubeHistory(t, opts))
}
