package reference

import (
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	release "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	batchv1 "k8s.io/api/batch/v1"
	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// The tests use the copy of the official Airflow chart in the shared test
// data (../shared/testdata/charts/airflow, see its README.md): a
// development snapshot of the chart, older than the release the reference
// pins.

// Versions: the chart release tierdeploy.reference.yaml pins, and the copy.
const (
	pinnedAirflowChart = "1.22.0"
	copiedAirflowChart = "1.20.0-dev"
)

// onlyInPinnedAirflowChart are the keys of deploy/airflow's values that
// the chart release the reference pins (1.22.0) reads and the copy
// (1.20.0-dev) does not know: the settings of the KubernetesExecutor's
// worker pods moved under workers.kubernetes after the copy was taken. The
// copy ignores them (its pod template reads workers.resources and
// workers.serviceAccount, its defaults here), so tests on the copy cover
// everything but the worker pods' resources and service account.
var onlyInPinnedAirflowChart = []string{
	"workers.kubernetes.resources",
	"workers.kubernetes.serviceAccount",
}

func loadAirflowChart(t *testing.T) *chart.Chart {
	t.Helper()
	ch, err := loader.Load(testtools.SharedTestdata(t, "charts/airflow"))
	require.NoError(t, err)
	require.Equal(t, copiedAirflowChart, ch.Metadata.Version)
	return ch
}

func TestAirflowKeysOnlyInThePinnedChart(t *testing.T) {
	cfg := loadConfig(t)
	rel := findRelease(t, cfg, airflowRelease)
	require.Equal(t, pinnedAirflowChart, rel.Version,
		"the pinned Airflow chart changed: check which keys of deploy/airflow the copy lacks and update onlyInPinnedAirflowChart")
	var schema map[string]any
	require.NoError(t, json.Unmarshal(loadAirflowChart(t).Schema, &schema))
	for _, env := range cfg.EnvironmentNames() {
		t.Run(env, func(t *testing.T) {
			values := releaseValues(t, rel, env, exampleInventory(t))
			assert.Equal(t, onlyInPinnedAirflowChart, undeclared(schema, schema, values, nil))
		})
	}
}

// undeclared returns the paths of values the schema node does not declare:
// keys outside the properties of an object schema that lists properties
// and takes no others by a schema of its own. It does not descend into
// free-form objects (no properties) nor lists.
func undeclared(root, node map[string]any, values map[string]any, path []string) []string {
	node = deref(root, node)
	props, ok := node["properties"].(map[string]any)
	if !ok {
		return nil
	}
	_, extra := node["additionalProperties"].(map[string]any)
	var out []string
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range values {
			if !yield(k) {
				return
			}
		}
	}) {
		p := append(slices.Clone(path), k)
		sub, known := props[k].(map[string]any)
		if !known {
			if !extra {
				out = append(out, strings.Join(p, "."))
			}
			continue
		}
		if m, ok := values[k].(map[string]any); ok {
			out = append(out, undeclared(root, sub, m, p)...)
		}
	}
	sort.Strings(out)
	return out
}

// deref follows a reference inside the schema ("#/definitions/x").
func deref(root, node map[string]any) map[string]any {
	for range 10 {
		ref, ok := node["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#/") {
			return node
		}
		var cur any = root
		for _, tok := range strings.Split(ref[2:], "/") {
			m, _ := cur.(map[string]any)
			cur = m[tok]
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return node
		}
		node = next
	}
	return node
}

// renderAirflow renders the copy of the Airflow chart client-side with the
// chart's schema validation, as the Helm stage renders without a cluster.
func renderAirflow(t *testing.T, values map[string]any) *release.Release {
	t.Helper()
	kv, err := common.ParseKubeVersion(kubeVersion)
	require.NoError(t, err)
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.NewTextHandler(io.Discard, nil)))
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName = airflowRelease
	install.Namespace = "meltano"
	install.KubeVersion = kv
	out, err := install.RunWithContext(t.Context(), loadAirflowChart(t), values)
	require.NoError(t, err)
	rel, ok := out.(*release.Release)
	require.True(t, ok, "unexpected release type %T", out)
	return rel
}

// TestAirflowValuesAreSafeToWaitFor checks what makes the Airflow release
// installable by a deploy that waits for every object: the migrations are
// a Job of the release (a post-install hook would run only after the wait,
// which the scheduler and API server, waiting for the migrations, would
// never end), and there is no user-creation Job and no default user.
func TestAirflowValuesAreSafeToWaitFor(t *testing.T) {
	cfg := loadConfig(t)
	rel := findRelease(t, cfg, airflowRelease)
	for _, env := range cfg.EnvironmentNames() {
		t.Run(env, func(t *testing.T) {
			r := renderAirflow(t, releaseValues(t, rel, env, exampleInventory(t)))
			for _, h := range r.Hooks {
				assert.NotEqual(t, "Job", h.Kind, "hook %s is a Job: %s", h.Name, h.Path)
			}
			var jobs []string
			for name, doc := range releaseutil.SplitManifests(r.Manifest) {
				var head struct{ Kind string }
				if err := yaml.Unmarshal([]byte(doc), &head); err != nil || head.Kind != "Job" {
					continue
				}
				job, ok := decodeStrict(t, name, doc).(*batchv1.Job)
				require.True(t, ok, name)
				jobs = append(jobs, job.Name)
				assert.NotContains(t, job.Annotations, "helm.sh/hook", "Job %s", job.Name)
				// A finished Job deleted by its TTL while the release still
				// waits is a wait that cannot end.
				assert.Nil(t, job.Spec.TTLSecondsAfterFinished, "Job %s is deleted after it finishes", job.Name)
				for _, c := range job.Spec.Template.Spec.Containers {
					for _, e := range c.Env {
						assert.NotEqual(t, "AIRFLOW_VAR_MELTANO_POD_TEMPLATE_FILE", e.Name,
							"Job %s gets the custom environment (applyCustomEnv: false)", job.Name)
					}
				}
			}
			assert.Equal(t, []string{"airflow-run-airflow-migrations"}, jobs)
			assert.NotContains(t, r.Info.Notes, "Login credentials")
			for name, doc := range manifests(r) {
				var head struct {
					Kind     string
					Metadata struct{ Name string }
				}
				require.NoError(t, yaml.Unmarshal([]byte(doc), &head), name)
				assert.NotContains(t, head.Metadata.Name, "create-user", "%s %s", head.Kind, name)
				assert.NotContains(t, doc, "admin@example.com", name)
			}
			// The release's values remove the chart's default user.
			user, ok := lookup(r.Config, "createUserJob.defaultUser")
			assert.True(t, ok, "the values do not remove createUserJob.defaultUser")
			assert.Nil(t, user)
		})
	}
}
