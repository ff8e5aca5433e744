package reference

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"sigs.k8s.io/yaml"
)

// kubeVersion is the Kubernetes version charts are rendered for: the
// reference cluster's default.
const kubeVersion = "v1.35.0"

// podTemplateKey is the key of the job pod template in its ConfigMap.
const podTemplateKey = "pod-template.yaml"

// strictDecoder decodes Kubernetes objects into their API types and fails on
// unknown or duplicate fields.
var strictDecoder = serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()

// credentialName matches environment variable names that hold credentials.
var credentialName = regexp.MustCompile(`(?i)(password|secret|token|credential|database_uri)`)

// renderCase is one set of values the chart is rendered with.
type renderCase struct {
	name      string
	namespace string
	values    map[string]any
	// wantKinds are the kinds of the rendered objects, hooks included.
	wantKinds []string
}

// renderCases returns the chart's default values, the reference values of
// every environment with the example inventory applied, and a server setup.
func renderCases(t *testing.T) []renderCase {
	t.Helper()
	cfg := loadConfig(t)
	rel := findRelease(t, cfg, meltanoRelease)
	inventory := exampleInventory(t)
	cases := []renderCase{{
		name:      "default values",
		namespace: "default",
		values:    map[string]any{},
		wantKinds: []string{"ConfigMap", "Deployment", "Pod", "ServiceAccount", "ServiceAccount"},
	}}
	for _, env := range cfg.EnvironmentNames() {
		cases = append(cases, renderCase{
			name:      "reference values " + env,
			namespace: rel.Namespace,
			values:    releaseValues(t, rel, env, inventory),
			wantKinds: []string{"ConfigMap", "Deployment", "PersistentVolume", "PersistentVolumeClaim", "Pod", "ServiceAccount", "ServiceAccount"},
		})
	}
	cases = append(cases, renderCase{
		name:      "server with ingress",
		namespace: "data",
		values:    readValues(t, filepath.Join("testdata", "server-values.yaml")),
		wantKinds: []string{"Deployment", "Ingress", "Pod", "Service", "ServiceAccount"},
	})
	return cases
}

// loadChart loads the Meltano chart from the repository.
func loadChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := loader.Load(filepath.Join(repoRoot(t), chartDir))
	require.NoError(t, err)
	return ch
}

// render renders the chart on the client side, as `helm template` does,
// with the release's schema validation.
func render(t *testing.T, ch *chart.Chart, namespace string, values map[string]any) (*release.Release, error) {
	t.Helper()
	kv, err := common.ParseKubeVersion(kubeVersion)
	require.NoError(t, err)
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.NewTextHandler(io.Discard, nil)))
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = meltanoRelease
	install.Namespace = namespace
	install.KubeVersion = kv
	out, err := install.RunWithContext(t.Context(), ch, values)
	if err != nil {
		return nil, err
	}
	rel, ok := out.(*release.Release)
	require.True(t, ok, "unexpected release type %T", out)
	return rel, nil
}

// manifests returns every rendered document of rel, hooks included, by
// template path.
func manifests(rel *release.Release) map[string]string {
	docs := map[string]string{}
	for name, doc := range releaseutil.SplitManifests(rel.Manifest) {
		docs[name] = doc
	}
	for _, h := range rel.Hooks {
		docs["hook "+h.Path] = h.Manifest
	}
	return docs
}

// decodeStrict decodes one rendered document into its API type.
func decodeStrict(t *testing.T, name, doc string) runtime.Object {
	t.Helper()
	obj, gvk, err := strictDecoder.Decode([]byte(doc), nil, nil)
	require.NoError(t, err, "%s does not decode strictly into a Kubernetes API type:\n%s", name, doc)
	require.NotEmpty(t, gvk.Kind, name)
	return obj
}

func TestChartLints(t *testing.T) {
	for _, tc := range renderCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			kv, err := common.ParseKubeVersion(kubeVersion)
			require.NoError(t, err)
			result := lint.RunAll(filepath.Join(repoRoot(t), chartDir), tc.values, tc.namespace, lint.WithKubeVersion(kv))
			var problems []string
			for _, m := range result.Messages {
				if m.Severity >= support.WarningSev {
					problems = append(problems, m.Error())
				}
			}
			require.Empty(t, problems, "helm lint")
		})
	}
}

func TestChartRendersStrictlyValidObjects(t *testing.T) {
	ch := loadChart(t)
	for _, tc := range renderCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			rel, err := render(t, ch, tc.namespace, tc.values)
			require.NoError(t, err)
			require.NotEmpty(t, rel.Info.Notes, "NOTES.txt renders nothing")

			docs := manifests(rel)
			var kinds []string
			for _, name := range slices.Sorted(maps.Keys(docs)) {
				obj := decodeStrict(t, name, docs[name])
				kinds = append(kinds, obj.GetObjectKind().GroupVersionKind().Kind)
				checkObject(t, name, obj)
			}
			slices.Sort(kinds)
			require.Equal(t, tc.wantKinds, kinds)
		})
	}
}

// checkObject checks what every object of the chart must get right: pods
// run as non-root on a read-only root filesystem, credentials come from
// Secrets, and the job pod template is itself a valid Pod.
func checkObject(t *testing.T, name string, obj runtime.Object) {
	t.Helper()
	switch o := obj.(type) {
	case *appsv1.Deployment:
		checkPod(t, name, &o.Spec.Template.Spec)
	case *corev1.Pod:
		checkPod(t, name, &o.Spec)
	case *corev1.ServiceAccount:
		require.NotNil(t, o.AutomountServiceAccountToken, name)
		require.False(t, *o.AutomountServiceAccountToken, "%s: pods need no Kubernetes API token", name)
	case *corev1.ConfigMap:
		doc, ok := o.Data[podTemplateKey]
		require.True(t, ok, "%s: ConfigMap %s has no %s", name, o.Name, podTemplateKey)
		pod, ok := decodeStrict(t, name+" "+podTemplateKey, doc).(*corev1.Pod)
		require.True(t, ok, "%s: %s is not a Pod", name, podTemplateKey)
		checkPod(t, name+" "+podTemplateKey, &pod.Spec)
		require.Equal(t, corev1.RestartPolicyNever, pod.Spec.RestartPolicy)
		require.Equal(t, "base", pod.Spec.Containers[0].Name, "KubernetesPodOperator merges into the container named base")
	}
}

func checkPod(t *testing.T, name string, spec *corev1.PodSpec) {
	t.Helper()
	require.NotEmpty(t, spec.ServiceAccountName, "%s: pods run as the chart's service account", name)
	require.NotNil(t, spec.SecurityContext, name)
	require.NotNil(t, spec.SecurityContext.RunAsNonRoot, name)
	require.True(t, *spec.SecurityContext.RunAsNonRoot, "%s: pods run as non-root", name)
	for _, c := range spec.Containers {
		at := fmt.Sprintf("%s: container %s", name, c.Name)
		require.NotNil(t, c.SecurityContext, at)
		require.NotNil(t, c.SecurityContext.ReadOnlyRootFilesystem, at)
		require.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, "%s: the root filesystem is read-only", at)
		require.NotNil(t, c.SecurityContext.AllowPrivilegeEscalation, at)
		require.False(t, *c.SecurityContext.AllowPrivilegeEscalation, at)
		require.False(t, c.Resources.Requests.Memory().IsZero(), "%s: a memory request is set", at)
		require.False(t, c.Resources.Limits.Memory().IsZero(), "%s: a memory limit is set", at)
		for _, e := range c.Env {
			if credentialName.MatchString(e.Name) && e.Name != "MELTANO_DATABASE_URI" {
				require.True(t, e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil, "%s: %s must come from a Secret", at, e.Name)
			}
			if e.Name == "MELTANO_DATABASE_URI" && e.ValueFrom == nil {
				require.Contains(t, e.Value, "$(MELTANO_DATABASE_PASSWORD)", "%s: the URI holds no password in clear", at)
			}
		}
	}
}

func TestChartReferenceValuesCarryTheInventory(t *testing.T) {
	cfg := loadConfig(t)
	rel := findRelease(t, cfg, meltanoRelease)
	inventory := exampleInventory(t)
	out, err := render(t, loadChart(t), rel.Namespace, releaseValues(t, rel, "prod", inventory))
	require.NoError(t, err)

	accounts := map[string]*corev1.ServiceAccount{}
	var deployment *appsv1.Deployment
	var pv *corev1.PersistentVolume
	for name, doc := range manifests(out) {
		switch o := decodeStrict(t, name, doc).(type) {
		case *corev1.ServiceAccount:
			accounts[o.Name] = o
		case *appsv1.Deployment:
			deployment = o
		case *corev1.PersistentVolume:
			pv = o
		}
	}
	for _, key := range []string{"meltano", "meltano_jobs"} {
		name, _ := lookup(inventory, "service_accounts."+key+".name")
		role, _ := lookup(inventory, "service_accounts."+key+".role_arn")
		sa, ok := accounts[name.(string)]
		require.True(t, ok, "no service account %s", name)
		require.Equal(t, role, sa.Annotations["eks.amazonaws.com/role-arn"], "IRSA annotation of %s", name)
	}
	require.NotNil(t, deployment)
	repo, _ := lookup(inventory, "registry.meltano")
	require.True(t, strings.HasPrefix(deployment.Spec.Template.Spec.Containers[0].Image, repo.(string)+":"))
	host, _ := lookup(inventory, "meltano_database.host")
	var uri string
	for _, e := range deployment.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "MELTANO_DATABASE_URI" {
			uri = e.Value
		}
	}
	require.Equal(t, fmt.Sprintf("postgresql+psycopg://meltano:$(MELTANO_DATABASE_PASSWORD)@%s:5432/meltano?sslmode=require", host), uri)
	require.NotNil(t, pv)
	handle, _ := lookup(inventory, "storage.volume_handle")
	require.Equal(t, handle, pv.Spec.CSI.VolumeHandle)
}

func TestChartSchemaRejectsBadValues(t *testing.T) {
	ch := loadChart(t)
	tests := []struct {
		name   string
		values string
		want   string
	}{
		{"database password in values", `{"database": {"password": "hunter2"}}`, "password"},
		{"database URI in values", `{"database": {"uri": "postgresql://u:p@h/d"}}`, "uri"},
		{"credential in plain env", `{"extraEnv": [{"name": "TAP_GITHUB_TOKEN", "value": "ghp_x"}]}`, "valueFrom"},
		{"database URI in plain env", `{"extraEnv": [{"name": "MELTANO_DATABASE_URI", "value": "postgresql://u:p@h/d"}]}`, "valueFrom"},
		{"wrong type", `{"replicaCount": "two"}`, "replicaCount"},
		{"unknown key", `{"imagePullPolicy": "Always"}`, "imagePullPolicy"},
		{"bad pull policy", `{"image": {"pullPolicy": "Sometimes"}}`, "pullPolicy"},
		{"no database secret", `{"database": {"existingSecret": ""}}`, "existingSecret"},
		{"URI built without host", `{"database": {"uriKey": ""}}`, "host"},
		{"volume without claim", `{"logs": {"efs": {"volumeHandle": "fs-0123456789abcdef0::fsap-0123456789abcdef0"}}}`, "claimName"},
		{"malformed role", `{"serviceAccount": {"roleArn": "meltano-role"}}`, "roleArn"},
		{"port out of range", `{"database": {"port": 70000}}`, "port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			values := map[string]any{}
			require.NoError(t, yaml.Unmarshal([]byte(tc.values), &values))
			_, err := render(t, ch, "default", values)
			require.Error(t, err, "the schema accepted %s", tc.values)
			require.Contains(t, err.Error(), "schema")
			require.Contains(t, err.Error(), tc.want)
		})
	}
}
