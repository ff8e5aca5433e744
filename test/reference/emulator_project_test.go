package reference

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/tierdeploy/tierdeploy/internal/kubetest"
)

// controlPlane is the package's Kubernetes control plane (kubetest): the
// project tier of the end-to-end test is deployed to it.
var controlPlane kubetest.Shared

// kubeContext is the context of the control plane's kubeconfig.
const kubeContext = "kubetest"

// projectOverlay points the project tier of the test's copy of
// tierdeploy.reference.yaml at the local control plane instead of the EKS
// cluster of the inventory, and takes the Airflow chart from the shared
// test data instead of its chart repository:
//   - the project tier's cluster: block goes (the emulator's cluster
//     endpoint answers nothing and its CA is random bytes), and staging
//     gets kube_context: kubetest, the context of the kubeconfig the test
//     gives tierdeploy in KUBECONFIG;
//   - the airflow release's chart is charts/airflow, a copy of the official
//     chart (the pinned 1.22.0 cannot be downloaded here).
//
// Everything else, the inventory_values above all, is the reference's.
func projectOverlay(t *testing.T, config string) string {
	t.Helper()
	lines := strings.Split(config, "\n")
	var out []string
	inProject, skipping := false, false
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "  - name: "):
			inProject = l == "  - name: project"
		case inProject && l == "    cluster:":
			skipping = true
			continue
		case skipping && strings.HasPrefix(l, "      "):
			continue
		}
		skipping = false
		out = append(out, l)
		if l == "  - name: staging" {
			out = append(out, "    kube_context: "+kubeContext)
		}
	}
	overlaid := strings.Join(out, "\n")
	chart := "        chart: airflow\n        repo: https://airflow.apache.org\n        version: 1.22.0\n"
	require.Contains(t, overlaid, chart, "the airflow release of the reference")
	overlaid = strings.Replace(overlaid, chart, "        chart: charts/airflow\n", 1)
	require.NotContains(t, overlaid, "cluster.endpoint", "the project tier's cluster block is gone")
	require.Contains(t, overlaid, "kube_context: "+kubeContext)
	return overlaid
}

// kubectlShim writes a kubectl on PATH for deploy/bootstrap.sh that records
// every call's arguments and passes it to the real kubectl, except the
// short-lived psql pod: the control plane runs no containers (kwok plays
// the node) and the emulator has no database server, so its SQL, read from
// standard input as psql would, is recorded instead.
func kubectlShim(t *testing.T) (dir, calls, sql string) {
	t.Helper()
	real, err := exec.LookPath("kubectl")
	require.NoError(t, err)
	dir = t.TempDir()
	calls = filepath.Join(dir, "calls")
	sql = filepath.Join(dir, "psql.sql")
	script := `#!/usr/bin/env bash
printf '%s\n' "$*" >>` + shellQuote(calls) + `
for a in "$@"; do
  if [ "$a" = run ]; then
    cat >` + shellQuote(sql) + `
    exit 0
  fi
done
exec ` + shellQuote(real) + ` "$@"
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kubectl"), []byte(script), 0o755))
	return dir, calls, sql
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// testtoolsMissing skips the test, or fails it when CI is set.
func testtoolsMissing(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// bootstrap runs deploy/bootstrap.sh staging against the emulator (the
// inventory from its SSM in the region of tierdeploy.reference.yaml, the
// passwords from its Secrets Manager) and the control plane.
func (e *emulatorRun) bootstrap(t *testing.T) {
	kc := controlPlane.Get(t)
	shim, calls, sql := kubectlShim(t)
	env := append(e.moto.Env(),
		"PATH="+shim+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KUBECONFIG="+kc.Kubeconfig(), "KUBE_CONTEXT="+kubeContext,
		// Another region for the AWS CLI than the inventory's: the script
		// must read the inventory in its own region.
		"AWS_REGION=us-west-2", "AWS_DEFAULT_REGION=us-west-2",
	)
	out := command(t, e.repo.Dir, env, "bash", "deploy/bootstrap.sh", "staging")
	t.Log(out)

	// The Secrets the releases read, from the emulator's Secrets Manager.
	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	secret := func(name string) map[string]string {
		s, err := cs.CoreV1().Secrets("meltano").Get(t.Context(), name, metav1.GetOptions{})
		require.NoError(t, err, "Secret %s", name)
		m := map[string]string{}
		for k, v := range s.Data {
			m[k] = string(v)
		}
		return m
	}
	meltano := e.databaseSecret(t, "meltano_database.secret_arn")
	airflow := e.databaseSecret(t, "airflow_database.secret_arn")
	md := secret("meltano-database")
	assert.Equal(t, meltano.Password, md["password"])
	assert.Equal(t, "postgresql+psycopg:"+strings.TrimPrefix(meltano.URI, "postgresql:"), md["uri"])
	assert.Equal(t, airflow.URI, secret("airflow-metadata")["connection"])
	for name, key := range map[string]string{"airflow-fernet-key": "fernet-key", "airflow-api-secret-key": "api-secret-key", "airflow-jwt-secret": "jwt-secret"} {
		assert.NotEmpty(t, secret(name)[key], name)
	}
	_, err = cs.CoreV1().Secrets("meltano").Get(t.Context(), "meltano-bootstrap", metav1.GetOptions{})
	assert.Error(t, err, "the bootstrap Secret with the master password is deleted at the end")

	// The psql pod would have run this, with the passwords from a Secret,
	// never on a command line.
	b, err := os.ReadFile(sql)
	require.NoError(t, err, "the psql pod was asked for")
	assert.Contains(t, string(b), "CREATE DATABASE")
	assert.Contains(t, string(b), `\getenv meltano_password MELTANO_PASSWORD`)
	b, err = os.ReadFile(calls)
	require.NoError(t, err)
	for _, p := range []string{meltano.Password, airflow.Password} {
		assert.NotContains(t, string(b), p, "a password on kubectl's command line")
		assert.NotContains(t, out, p)
	}
	assert.Contains(t, string(b), "--context "+kubeContext)
}

type databaseSecret struct{ Password, URI string }

// databaseSecret reads an application's database secret from the
// emulator's Secrets Manager, by the ARN the inventory names.
func (e *emulatorRun) databaseSecret(t *testing.T, key string) databaseSecret {
	t.Helper()
	code, out, _ := e.td.run(t, "inventory", "get", "--environment", "staging", "--format", "json")
	require.Equal(t, 0, code, out)
	var inv struct{ Values map[string]any }
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	arn, ok := lookup(inv.Values, key)
	require.True(t, ok, key)
	var secret struct{ SecretString string }
	require.NoError(t, json.Unmarshal([]byte(e.aws(t, "secretsmanager", "get-secret-value", "--secret-id", arn.(string))), &secret))
	var v databaseSecret
	require.NoError(t, json.Unmarshal([]byte(secret.SecretString), &v))
	require.Len(t, v.Password, 40)
	return v
}

// projectTier deploys the project tier with the inventory the
// infrastructure apply published, to the control plane.
func (e *emulatorRun) projectTier(t *testing.T) {
	kc := controlPlane.Get(t)
	e.td.set("KUBECONFIG=" + kc.Kubeconfig())
	cfg := filepath.Join(e.repo.Dir, configFile)
	b, err := os.ReadFile(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfg, []byte(projectOverlay(t, string(b))), 0o644))
	require.NoError(t, os.CopyFS(filepath.Join(e.repo.Dir, "charts", "airflow"), os.DirFS(e.airflowChart)))
	e.repo.Commit("test overlay: the project tier on the local control plane, the Airflow chart from a copy")

	code, out, _ := e.td.run(t, "plan", "--environment", "staging", "--tier", "project", "--all", "--detailed-exitcode")
	require.Equal(t, 2, code, out)
	registry := stagingAccount + ".dkr.ecr." + stagingRegion + ".amazonaws.com/meltano-staging/"
	assert.Contains(t, out, "helm <code>meltano</code>")
	assert.Contains(t, out, "helm <code>airflow</code>")
	assert.Contains(t, out, registry+"meltano:2026.11.0", "the Meltano image from the inventory's registry")
	assert.Contains(t, out, registry+"airflow:", "the Airflow image from the inventory's registry")

	code, out, _ = e.td.run(t, "apply", "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "`project/staging`")

	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	ctx := t.Context()
	dep, err := cs.AppsV1().Deployments("meltano").Get(ctx, "meltano", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, registry+"meltano:2026.11.0", dep.Spec.Template.Spec.Containers[0].Image)
	sa, err := cs.CoreV1().ServiceAccounts("meltano").Get(ctx, "meltano", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::"+stagingAccount+":role/meltano-staging-meltano", sa.Annotations["eks.amazonaws.com/role-arn"])
	jobs, err := cs.CoreV1().ServiceAccounts("meltano").Get(ctx, "meltano-jobs", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::"+stagingAccount+":role/meltano-staging-meltano-jobs", jobs.Annotations["eks.amazonaws.com/role-arn"])
	e.requireLogClaim(t, cs, "meltano-logs")
	// The copy of the Airflow chart is a development snapshot that does not
	// know workers.kubernetes.serviceAccount (see airflow_test.go), so the
	// workers' role is not checked here; the log claim is.
	e.requireAirflowClaim(t, cs, "meltano-logs")
}

// requireAirflowClaim checks that Airflow's scheduler runs, mounting the
// log claim the inventory names.
func (e *emulatorRun) requireAirflowClaim(t *testing.T, cs *kubernetes.Clientset, claim string) {
	t.Helper()
	sched, err := cs.AppsV1().Deployments("meltano").Get(t.Context(), "airflow-scheduler", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), sched.Status.ReadyReplicas, "the deploy waited for Airflow")
	var claims []string
	for _, v := range sched.Spec.Template.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			claims = append(claims, v.PersistentVolumeClaim.ClaimName)
		}
	}
	assert.Contains(t, claims, claim, "Airflow's logs are on the inventory's claim")
}

// requireLogClaim checks that the log claim is bound to the EFS volume of
// the inventory.
func (e *emulatorRun) requireLogClaim(t *testing.T, cs *kubernetes.Clientset, claim string) {
	t.Helper()
	code, out, _ := e.td.run(t, "inventory", "get", "--environment", "staging", "--format", "json")
	require.Equal(t, 0, code, out)
	var inv struct{ Values map[string]any }
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	handle, ok := lookup(inv.Values, "storage.volume_handle")
	require.True(t, ok)
	var err error
	var pvc *corev1.PersistentVolumeClaim
	require.Eventually(t, func() bool {
		pvc, err = cs.CoreV1().PersistentVolumeClaims("meltano").Get(t.Context(), claim, metav1.GetOptions{})
		return err == nil && pvc.Status.Phase == corev1.ClaimBound
	}, time.Minute, time.Second, "claim %s is bound to its volume", claim)
	pv, err := cs.CoreV1().PersistentVolumes().Get(t.Context(), pvc.Spec.VolumeName, metav1.GetOptions{})
	require.NoError(t, err)
	require.NotNil(t, pv.Spec.CSI)
	assert.Equal(t, "efs.csi.aws.com", pv.Spec.CSI.Driver)
	assert.Equal(t, handle, pv.Spec.CSI.VolumeHandle)
}

// releaseRevisions counts the revisions Helm keeps of a release in the
// meltano namespace (one Secret each).
func (e *emulatorRun) releaseRevisions(t *testing.T, release string) int {
	t.Helper()
	cs, err := kubernetes.NewForConfig(controlPlane.Get(t).RESTConfig())
	require.NoError(t, err)
	list, err := cs.CoreV1().Secrets("meltano").List(t.Context(), metav1.ListOptions{LabelSelector: "owner=helm,name=" + release})
	require.NoError(t, err)
	return len(list.Items)
}
