package helm

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rcommon "helm.sh/helm/v4/pkg/release/common"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

func addresses(rs []plan.ResourceChange) map[string]plan.Action {
	out := map[string]plan.Action{}
	for _, r := range rs {
		out[r.Address] = r.Action
	}
	return out
}

func TestPlanFirstInstallShowsEveryObjectAdded(t *testing.T) {
	c := fakeCluster(t)
	s := newStage(t, stageOptions(t, c))

	res, err := s.Plan(t.Context())
	require.NoError(t, err)

	assert.True(t, res.HasChanges)
	assert.Equal(t, plan.Helm, res.Kind)
	assert.Equal(t, "web", res.Name)
	assert.Equal(t, plan.Counts{Add: 5}, res.Counts)
	assert.Equal(t, map[string]plan.Action{
		"ConfigMap/app/web":   plan.Create,
		"Deployment/app/web":  plan.Create,
		"Job/app/web-migrate": plan.Create,
		"Secret/app/web":      plan.Create,
		"Service/app/web":     plan.Create,
	}, addresses(res.Resources))
	assert.Contains(t, res.Diff, "--- /dev/null\n+++ b/ConfigMap/app/web\n@@ -0,0 +1,")
	assert.Contains(t, res.Diff, "+  GREETING: hello\n")
	assert.Contains(t, res.Notes, NoteFirstInstall)
	assert.NotEmpty(t, res.Fingerprint)
	for _, r := range res.Resources {
		if r.Address == "Job/app/web-migrate" {
			assert.Equal(t, "Helm hook (pre-upgrade)", r.Reason)
		} else {
			assert.Empty(t, r.Reason, r.Address)
		}
	}
	// Objects come sorted by address.
	assert.Less(t, strings.Index(res.Diff, "b/ConfigMap/"), strings.Index(res.Diff, "b/Deployment/"))
	assert.Less(t, strings.Index(res.Diff, "b/Secret/"), strings.Index(res.Diff, "b/Service/"))
}

func TestPlanAfterApply(t *testing.T) {
	tests := []struct {
		name    string
		before  string
		after   string
		changes map[string]plan.Action
		counts  plan.Counts
		want    []string
		// absent must not be in the diff; secrets must be in Secrets.
		absent    []string
		secrets   []string
		unchanged []string
		// reason is the Reason of every change.
		reason string
	}{
		{
			name:    "no change",
			before:  "greeting: hi\n",
			after:   "greeting: hi\n",
			changes: map[string]plan.Action{},
		},
		{
			name:    "values change",
			before:  "replicaCount: 1\n",
			after:   "replicaCount: 3\ngreeting: bonjour\n",
			changes: map[string]plan.Action{"ConfigMap/app/web": plan.Update, "Deployment/app/web": plan.Update},
			counts:  plan.Counts{Change: 2},
			want: []string{
				"--- a/ConfigMap/app/web\n+++ b/ConfigMap/app/web\n",
				"-  GREETING: hello\n+  GREETING: bonjour\n",
				"--- a/Deployment/app/web\n+++ b/Deployment/app/web\n",
				"-  replicas: 1\n+  replicas: 3\n",
			},
		},
		{
			name:    "object removed",
			before:  "hook: true\n",
			after:   "hook: false\n",
			changes: map[string]plan.Action{"Job/app/web-migrate": plan.Delete},
			counts:  plan.Counts{Destroy: 1},
			want:    []string{"--- a/Job/app/web-migrate\n+++ /dev/null\n@@ -1,"},
			reason:  "Helm hook (pre-upgrade), no longer run; Helm does not delete it",
		},
		{
			name:    "secret value changed",
			before:  "database:\n  password: first-password\n",
			after:   "database:\n  password: second-password-longer\n",
			changes: map[string]plan.Action{"Secret/app/web": plan.Update},
			counts:  plan.Counts{Change: 1},
			want: []string{
				"-  password: '(secret: 14 bytes)'\n+  password: '(secret: 22 bytes, changed)'\n",
			},
			absent: []string{"first-password", "second-password-longer",
				base64.StdEncoding.EncodeToString([]byte("first-password")),
				base64.StdEncoding.EncodeToString([]byte("second-password-longer")), "static-token-value"},
			secrets: []string{"first-password", "second-password-longer", "static-token-value"},
		},
		{
			name:    "secret value changed, same size",
			before:  "database:\n  password: aaaa-bbbb\n",
			after:   "database:\n  password: cccc-dddd\n",
			changes: map[string]plan.Action{"Secret/app/web": plan.Update},
			counts:  plan.Counts{Change: 1},
			want: []string{
				"-  password: '(secret: 9 bytes)'\n+  password: '(secret: 9 bytes, changed)'\n",
			},
			unchanged: []string{"token:"},
			absent:    []string{"aaaa-bbbb", "cccc-dddd"},
			secrets:   []string{"aaaa-bbbb", "cccc-dddd"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeCluster(t)
			opts := stageOptions(t, c)
			opts.Release.Values = []string{valuesFile(t, tt.before)}
			_, err := newStage(t, opts).Apply(t.Context())
			require.NoError(t, err)

			opts.Release.Values = []string{valuesFile(t, tt.after)}
			res, err := newStage(t, opts).Plan(t.Context())
			require.NoError(t, err)

			assert.Equal(t, tt.changes, addresses(res.Resources))
			assert.Equal(t, len(tt.changes) > 0, res.HasChanges)
			assert.Equal(t, tt.counts, res.Counts)
			assert.Equal(t, []string{NoteServer}, res.Notes)
			if len(tt.changes) == 0 {
				assert.Empty(t, res.Diff)
			}
			for _, w := range tt.want {
				assert.Contains(t, res.Diff, w)
			}
			for _, r := range res.Resources {
				assert.Equal(t, tt.reason, r.Reason, r.Address)
			}
			for _, a := range tt.absent {
				assert.NotContains(t, res.Diff, a)
			}
			for _, a := range tt.secrets {
				assert.Contains(t, res.Secrets, a)
			}
			for _, u := range tt.unchanged {
				assert.NotContains(t, res.Diff, "-  "+u)
				assert.NotContains(t, res.Diff, "+  "+u)
			}
		})
	}
}

func TestPlanFingerprintFollowsTheChange(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)

	fp := func(values string) string {
		o := opts
		o.Release.Values = []string{valuesFile(t, values)}
		res, err := newStage(t, o).Plan(t.Context())
		require.NoError(t, err)
		return res.Fingerprint
	}
	a, b, other := fp("replicaCount: 2\n"), fp("replicaCount: 2\n"), fp("replicaCount: 4\n")
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, other)
}

func TestPlanValuesFilesInOrderThenInventory(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.Values = []string{"values/base.yaml", "values/{environment}.yaml"}
	opts.Release.InventoryValues = map[string]string{
		"database.host":     "database.host",
		"database.password": "database_password",
	}
	opts.Inventory = testInventory(t)

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)

	// prod.yaml overrides base.yaml; the inventory overrides both.
	assert.Contains(t, res.Diff, "+  GREETING: hello from prod\n")
	assert.Contains(t, res.Diff, "+  DATABASE_HOST: db.prod.internal\n")
	assert.Contains(t, res.Diff, "+  replicas: 3\n")
	// The sensitive inventory value goes into the Secret (sizes only) and
	// is to be masked everywhere.
	assert.Contains(t, res.Diff, "+  password: '(secret: 15 bytes)'\n")
	assert.NotContains(t, res.Diff, "s3cret-Passw0rd")
	assert.Contains(t, res.Secrets, "s3cret-Passw0rd")
	assert.NotContains(t, res.Secrets, "db.prod.internal")
}

func TestPlanMasksSensitiveInventoryValuesInAnyObject(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	// The chart puts greeting into a ConfigMap, in clear.
	opts.Release.InventoryValues = map[string]string{"greeting": "database_password"}
	opts.Inventory = testInventory(t)

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)

	assert.Contains(t, res.Diff, "+  GREETING: '***'\n")
	assert.NotContains(t, res.Diff, "s3cret-Passw0rd")
	assert.Contains(t, res.Secrets, "s3cret-Passw0rd")
}

func TestPlanMissingInventoryKey(t *testing.T) {
	tests := []struct {
		name string
		doc  *inventory.Document
		want []string
		is   error
	}{
		{
			name: "missing key",
			doc:  nil,
			want: []string{`helm release web`, `inventory_values database.host`, `"database.hostname"`, `environment "prod"`},
			is:   inventory.ErrNotFound,
		},
		{
			name: "no inventory",
			want: []string{`helm release web`, `"database.hostname"`, `no inventory is published for environment "prod"`},
			is:   inventory.ErrNotFound,
		},
	}
	tests[0].doc = testInventory(t)
	tests[0].want = append(tests[0].want, "0123456789abcdef")
	tests[0].is = inventory.ErrKeyNotFound
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			opts.Release.InventoryValues = map[string]string{"database.host": "database.hostname"}
			opts.Inventory = tt.doc

			res, err := newStage(t, opts).Plan(t.Context())
			require.Error(t, err)
			assert.Equal(t, err, res.Err)
			var me *MissingInventoryKeyError
			require.ErrorAs(t, err, &me)
			assert.Equal(t, "web", me.Release)
			assert.Equal(t, "database.hostname", me.Key)
			assert.ErrorIs(t, err, tt.is)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestPlanPendingRelease(t *testing.T) {
	tests := []struct {
		name     string
		history  []rcommon.Status
		context  string
		status   string
		recovery string
	}{
		{
			name:     "killed upgrade",
			history:  []rcommon.Status{rcommon.StatusSuperseded, rcommon.StatusDeployed, rcommon.StatusPendingUpgrade},
			status:   "pending-upgrade",
			recovery: "helm rollback web 2 --namespace app",
		},
		{
			name:     "killed first install",
			history:  []rcommon.Status{rcommon.StatusPendingInstall},
			status:   "pending-install",
			recovery: "helm uninstall web --namespace app",
		},
		{
			name:     "killed rollback",
			history:  []rcommon.Status{rcommon.StatusSuperseded, rcommon.StatusFailed, rcommon.StatusPendingRollback},
			context:  "prod-eks",
			status:   "pending-rollback",
			recovery: "helm rollback web 1 --namespace app --kube-context prod-eks",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeCluster(t)
			for i, st := range tt.history {
				storeRelease(t, c, i+1, st)
			}
			opts := stageOptions(t, c)
			opts.KubeContext = tt.context

			for _, step := range []string{"plan", "apply", "drift"} {
				var err error
				switch step {
				case "plan":
					_, err = newStage(t, opts).Plan(t.Context())
				case "apply":
					_, err = newStage(t, opts).Apply(t.Context())
				case "drift":
					o := opts
					o.connect = withLive(c, &fakeLive{})
					_, err = newStage(t, o).Drift(t.Context())
				}
				var pe *PendingReleaseError
				require.ErrorAs(t, err, &pe, step)
				assert.ErrorIs(t, err, ErrPending)
				assert.Equal(t, tt.status, pe.Status)
				assert.Equal(t, len(tt.history), pe.Revision)
				assert.Equal(t, tt.recovery, pe.Recovery)
				assert.Contains(t, err.Error(), "`"+tt.recovery+"`")
				assert.Contains(t, err.Error(), "since 2026-01-02T03:04:05Z")
			}
			// Nothing was overridden.
			h, err := readHistory(c.cfg.Releases, "web")
			require.NoError(t, err)
			assert.Equal(t, len(tt.history), h.last.Version)
		})
	}
}

func TestPlanUnreachableClusterRendersClientSide(t *testing.T) {
	c := fakeCluster(t)
	c.unreachable = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	storeRelease(t, c, 1, rcommon.StatusDeployed) // cannot be read without a cluster

	res, err := newStage(t, stageOptions(t, c)).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{NoteClient}, res.Notes)
	assert.Equal(t, plan.Counts{Add: 5}, res.Counts)
	assert.NotContains(t, strings.Join(res.Notes, " "), "127.0.0.1")

	_, err = newStage(t, stageOptions(t, c)).Apply(t.Context())
	var ue *ClusterUnreachableError
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, ErrUnreachable)
}

func TestPlanChartErrors(t *testing.T) {
	tests := []struct {
		name  string
		chart string
		vals  string
		want  string
	}{
		{name: "missing chart", chart: "charts/none", want: "chart charts/none:"},
		{name: "template error", chart: "charts/web", vals: "image: 3\n", want: "render:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			opts.Release.Chart = tt.chart
			if tt.vals != "" {
				opts.Release.Values = []string{valuesFile(t, tt.vals)}
			}
			res, err := newStage(t, opts).Plan(t.Context())
			var ce *ChartError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, res.Failed())
		})
	}
}

func TestPlanWithKubeconfigOfADeadCluster(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters:
- name: dead
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: admin
  user: {token: not-a-secret}
contexts:
- name: dead
  context: {cluster: dead, user: admin}
current-context: dead
`), 0o600))
	opts := stageOptions(t, nil)
	opts.connect = nil
	opts.Kubeconfig = kubeconfig
	opts.KubeContext = "dead"
	opts.RepoCacheDir = t.TempDir()

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{NoteClient}, res.Notes)
	assert.Equal(t, 5, res.Counts.Add)

	_, err = newStage(t, opts).Drift(t.Context())
	var ue *ClusterUnreachableError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), `kubernetes cluster of kubeconfig context "dead" unreachable: `)
}

func TestPlanWithValuesKnownAfterApply(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.InventoryValues = map[string]string{
		"database.host":     "database.host",
		"database.password": "database_password",
		"greeting":          "new_output.greeting",
	}
	opts.Inventory = testInventory(t)
	opts.KnownAfterApply = []string{"new_output", "database"}

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Contains(t, res.Diff, "+  DATABASE_HOST: (known after apply)\n")
	assert.Contains(t, res.Diff, "+  GREETING: (known after apply)\n")
	assert.Contains(t, res.Notes, "planned with stand-ins for database.host, greeting: "+
		"the infrastructure plan knows these inventory values only after apply")
	// The chart has no schema: nothing stands in the way of the
	// placeholder, and the report says what was not checked.
	assert.Equal(t, []plan.Unchecked{
		{Name: "database.host", Reason: "known only after apply (inventory key database.host); planned as (known after apply); the chart has no values schema"},
		{Name: "greeting", Reason: "known only after apply (inventory key new_output.greeting); planned as (known after apply); the chart has no values schema"},
	}, res.Unchecked)

	// A deploy never uses the placeholder.
	_, err = newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "inventory_values database.host, greeting: the inventory values are known only after the infrastructure is applied")
	h, err := readHistory(c.cfg.Releases, "web")
	require.NoError(t, err)
	assert.Nil(t, h.last)
}
