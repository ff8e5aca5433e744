package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	release "helm.sh/helm/v4/pkg/release/v1"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// bigManifest renders n objects the way Helm writes a manifest: a quarter
// each of Deployments, ConfigMaps of 20 keys, Services and Secrets. Every
// tenth object of a kind differs with rev.
func bigManifest(n, rev int) string {
	var b strings.Builder
	for i := range n {
		v := 1
		if i%10 == 0 {
			v = rev
		}
		name := fmt.Sprintf("app-%03d", i/4)
		fmt.Fprintf(&b, "---\n# Source: big/templates/objects.yaml\n")
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  labels: {app: %[1]s, tier: web}
spec:
  replicas: %[2]d
  selector:
    matchLabels: {app: %[1]s}
  template:
    metadata:
      labels: {app: %[1]s}
    spec:
      containers:
        - name: web
          image: registry.example/%[1]s:1.%[2]d.0
          env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
          ports: [{name: http, containerPort: 8080}]
          resources: {requests: {cpu: 100m, memory: 64Mi}}
`, name, v)
		case 1:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n", name)
			for k := range 20 {
				fmt.Fprintf(&b, "  KEY_%02d: \"value %d of revision %d\"\n", k, k, v)
			}
		case 2:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\nspec:\n  selector: {app: %s}\n  ports: [{name: http, port: %d, targetPort: http}]\n", name, name, 80+v)
		case 3:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\nstringData:\n  password: password-%d-%s\n  user: admin\n", name, v, name)
		}
	}
	return b.String()
}

// BenchmarkDiff300 measures what Plan adds on top of rendering for a
// release of 300 objects: parsing both manifests, the per-object diff,
// Secret and inventory masking, counts and fingerprint.
func BenchmarkDiff300(b *testing.B) {
	old, cur := bigManifest(300, 1), bigManifest(300, 2)
	c := fakeCluster(b)
	s := newStage(b, stageOptions(b, c))
	r := &rendering{
		server: true,
		hist:   history{current: &release.Release{Name: "web", Version: 1, Manifest: old}},
		rel:    &release.Release{Name: "web", Version: 2, Manifest: cur},
	}
	sensitive := []string{"value 3 of revision 2"}
	var res plan.Result
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		res = plan.Result{}
		if err := s.compare(&res, c, r, sensitive); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/diff")
	if res.Counts.Change != 30 {
		b.Fatalf("changed %d objects, want 30", res.Counts.Change)
	}
}

// BenchmarkPlan300 measures a whole Plan of a 300-object chart against its
// previous revision on Helm's fake cluster: chart loading, rendering (an
// upgrade dry run) and the diff.
func BenchmarkPlan300(b *testing.B) {
	dir := b.TempDir()
	require.NoError(b, os.MkdirAll(filepath.Join(dir, "templates"), 0o755))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: big\nversion: 1.0.0\n"), 0o644))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("rev: 1\n"), 0o644))
	tpl := `{{- range $i := until 100 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{{ $i }}
spec:
  replicas: {{ if eq (mod $i 10) 0 }}{{ $.Values.rev }}{{ else }}1{{ end }}
  selector: {matchLabels: {app: app-{{ $i }}}}
  template:
    metadata: {labels: {app: app-{{ $i }}}}
    spec:
      containers: [{name: web, image: "registry.example/app:{{ $i }}"}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{{ $i }}
data:
{{- range $k := until 20 }}
  KEY_{{ $k }}: "value {{ $k }}"
{{- end }}
---
apiVersion: v1
kind: Secret
metadata:
  name: app-{{ $i }}
stringData:
  password: "password-{{ $i }}-{{ if eq (mod $i 10) 0 }}{{ $.Values.rev }}{{ end }}"
{{- end }}
`
	require.NoError(b, os.WriteFile(filepath.Join(dir, "templates", "objects.yaml"), []byte(tpl), 0o644))
	c := fakeCluster(b)
	opts := stageOptions(b, c)
	opts.Root = dir
	opts.Release.Chart = "."
	_, err := newStage(b, opts).Apply(b.Context())
	require.NoError(b, err)
	opts.Release.Values = []string{valuesFile(b, "rev: 2\n")}
	s := newStage(b, opts)
	var res plan.Result
	start := time.Now()
	for b.Loop() {
		res, err = s.Plan(b.Context())
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/plan")
	if res.Counts.Change != 20 {
		b.Fatalf("changed %d objects, want 20", res.Counts.Change)
	}
}
