package helm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// liveObject decodes YAML as the dynamic client returns objects: integers
// as int64.
func liveObject(t *testing.T, doc string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &m))
	return intsToInt64(m).(map[string]any)
}

func intsToInt64(v any) any {
	switch t := v.(type) {
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
		return t
	case map[string]any:
		for k, x := range t {
			t[k] = intsToInt64(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = intsToInt64(x)
		}
		return t
	}
	return v
}

const manifestDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  template:
    spec:
      hostNetwork: false
      containers:
        - name: web
          image: web:1
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: "0.5"
              memory: 1Gi
        - name: sidecar
          image: proxy:1
`

const liveDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
  uid: 1234
  resourceVersion: "99"
  labels:
    app: web
    extra: added-by-someone
spec:
  replicas: %s
  progressDeadlineSeconds: 600
  template:
    spec:
      containers:
        - name: injected
          image: mesh:1
        - name: sidecar
          image: proxy:1
        - name: web
          image: %s
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
              protocol: TCP
          resources:
            requests:
              cpu: 500m
              memory: 1024Mi
status:
  replicas: 2
  readyReplicas: 1
`

func TestDriftObject(t *testing.T) {
	obj, ok, err := parseObject(manifestDeployment, "app", nil)
	require.NoError(t, err)
	require.True(t, ok)
	tests := []struct {
		name       string
		live       string
		autoscaled bool
		want       string
	}{
		{
			name: "defaults, controller fields and equal quantities are no drift",
			live: fmt.Sprintf(liveDeployment, "2", "web:1"),
		},
		{
			name: "edited image",
			live: fmt.Sprintf(liveDeployment, "2", "web:2"),
			want: "--- a/Deployment/app/web\n+++ b/Deployment/app/web\n@@ -9,7 +9,7 @@\n" +
				"   template:\n     spec:\n       containers:\n-      - image: web:1\n+      - image: web:2\n" +
				"         name: web\n         ports:\n         - containerPort: 8080\n",
		},
		{
			name: "scaled by hand",
			live: fmt.Sprintf(liveDeployment, "5", "web:1"),
			want: "-  replicas: 2\n+  replicas: 5\n",
		},
		{
			name:       "scaled by an autoscaler",
			live:       fmt.Sprintf(liveDeployment, "5", "web:1"),
			autoscaled: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := driftObject(&obj, liveObject(t, tt.live), tt.autoscaled, nil)
			require.NoError(t, err)
			if tt.want == "" {
				assert.Empty(t, c.diff)
				return
			}
			assert.Equal(t, plan.Update, c.action)
			assert.Contains(t, c.diff, tt.want)
		})
	}
}

func TestDriftObjectMissingLive(t *testing.T) {
	obj, _, err := parseObject(manifestDeployment, "app", nil)
	require.NoError(t, err)
	c, _, err := driftObject(&obj, nil, false, nil)
	require.NoError(t, err)
	assert.Equal(t, plan.Delete, c.action)
	assert.Contains(t, c.diff, "--- a/Deployment/app/web\n+++ /dev/null\n")
}

func TestDriftObjectFieldRemovedLive(t *testing.T) {
	obj, _, err := parseObject("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  annotations:\n    owner: team\ndata:\n  A: a\n  B: b\n", "app", nil)
	require.NoError(t, err)
	live := liveObject(t, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: app\ndata:\n  A: a\n")
	c, _, err := driftObject(&obj, live, false, nil)
	require.NoError(t, err)
	assert.Contains(t, c.diff, "-    owner: team\n")
	assert.Contains(t, c.diff, "-  B: b\n")
}

func TestDriftSecretShowsSizesOnly(t *testing.T) {
	obj, _, err := parseObject("apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndata:\n  password: "+
		base64.StdEncoding.EncodeToString([]byte("chart-password"))+"\nstringData:\n  token: chart-token\n", "app", nil)
	require.NoError(t, err)
	tests := []struct {
		name, password, token string
		want                  []string
	}{
		{name: "same", password: "chart-password", token: "chart-token"},
		{
			name: "edited live", password: "chart-password", token: "live-token-edited",
			want: []string{"-  token: '(secret: 11 bytes)'\n+  token: '(secret: 17 bytes, changed)'\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := map[string]any{
				"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
				"metadata": map[string]any{"name": "web", "namespace": "app"},
				"data": map[string]any{
					"password": base64.StdEncoding.EncodeToString([]byte(tt.password)),
					"token":    base64.StdEncoding.EncodeToString([]byte(tt.token)),
				},
			}
			c, secrets, err := driftObject(&obj, live, false, nil)
			require.NoError(t, err)
			assert.Contains(t, secrets, "chart-password")
			assert.Contains(t, secrets, tt.token)
			if len(tt.want) == 0 {
				assert.Empty(t, c.diff)
				return
			}
			for _, w := range tt.want {
				assert.Contains(t, c.diff, w)
			}
			for _, v := range []string{"chart-token", "live-token-edited", "chart-password"} {
				assert.NotContains(t, c.diff, v)
				assert.NotContains(t, c.diff, base64.StdEncoding.EncodeToString([]byte(v)))
			}
		})
	}
}

func TestSameScalar(t *testing.T) {
	tests := []struct {
		want, live any
		same       bool
	}{
		{want: json.Number("8080"), live: int64(8080), same: true},
		{want: json.Number("0.5"), live: "500m", same: true},
		{want: "1Gi", live: "1024Mi", same: true},
		{want: "web:1", live: "web:2", same: false},
		{want: json.Number("1"), live: "1", same: true},
		{want: true, live: true, same: true},
		{want: true, live: "true", same: false},
		{want: nil, live: nil, same: true},
		{want: nil, live: "", same: true},
		{want: json.Number("2"), live: int64(3), same: false},
		{want: "http", live: "https", same: false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.same, sameScalar(tt.want, tt.live), "%v vs %v", tt.want, tt.live)
	}
}

func TestDriftStage(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.InventoryValues = map[string]string{"greeting": "database_password"}
	opts.Inventory = testInventory(t)

	// Not installed yet: nothing to compare.
	opts.connect = withLive(c, &fakeLive{})
	res, err := newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges)
	assert.Equal(t, []string{"not installed: nothing to compare"}, res.Notes)

	_, err = newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)
	h, err := readHistory(c.cfg.Releases, "web")
	require.NoError(t, err)
	objs, err := newObjectParser("app", nil).manifestObjects(h.current.Manifest, nil, false)
	require.NoError(t, err)
	live := &fakeLive{objects: map[string]map[string]any{}, targets: map[string]bool{"Deployment/web": true}}
	for _, o := range objs {
		j, err := yamlText(o.body)
		require.NoError(t, err)
		live.objects[o.address] = liveObject(t, j)
	}
	// The Secret's stringData is stored as data.
	live.objects["Secret/app/web"] = liveObject(t, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ntype: Opaque\ndata:\n  password: \"\"\n  token: "+
		base64.StdEncoding.EncodeToString([]byte("static-token-value"))+"\n")
	opts.connect = withLive(c, live)

	res, err = newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
	assert.Equal(t, []string{"compared the live objects with revision 1 (deployed)"}, res.Notes)

	// Someone edits the ConfigMap, deletes the Service and scales the
	// autoscaled Deployment.
	live.objects["ConfigMap/app/web"]["data"].(map[string]any)["DATABASE_HOST"] = "other.internal"
	delete(live.objects, "Service/app/web")
	live.objects["Deployment/app/web"]["spec"].(map[string]any)["replicas"] = int64(7)

	res, err = newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.True(t, res.HasChanges)
	assert.Equal(t, plan.Counts{Change: 1, Destroy: 1}, res.Counts)
	assert.Equal(t, map[string]plan.Action{"ConfigMap/app/web": plan.Update, "Service/app/web": plan.Delete}, addresses(res.Resources))
	assert.Contains(t, res.Diff, "-  DATABASE_HOST: \"\"\n+  DATABASE_HOST: other.internal\n")
	// The sensitive inventory value in the ConfigMap is masked.
	assert.Contains(t, res.Diff, "   GREETING: '***'\n")
	assert.NotContains(t, res.Diff, "s3cret-Passw0rd")
	assert.Contains(t, res.Secrets, "s3cret-Passw0rd")
	assert.Contains(t, res.Secrets, "static-token-value")
}
