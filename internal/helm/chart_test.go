package helm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	repo "helm.sh/helm/v4/pkg/repo/v1"
	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

func TestLocalChartWithFileDependency(t *testing.T) {
	opts := stageOptions(t, fakeCluster(t))
	opts.Release.Chart = "charts/parent"

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, map[string]plan.Action{
		"ConfigMap/app/web-child":  plan.Create,
		"ConfigMap/app/web-parent": plan.Create,
	}, addresses(res.Resources))
	// The parent's values reach the dependency.
	assert.Contains(t, res.Diff, "+  message: from the parent\n")
	// Nothing was written into the chart.
	_, err = os.Stat(filepath.Join(testdata(t), "charts", "parent", "charts"))
	assert.True(t, os.IsNotExist(err))
}

func TestLocalChartDependencyErrors(t *testing.T) {
	tests := []struct {
		name string
		deps string
		want string
	}{
		{
			name: "version outside the range",
			deps: "  - name: child\n    version: \"^1.0.0\"\n    repository: file://../child\n",
			want: "version 0.2.0 does not satisfy ^1.0.0",
		},
		{
			name: "repository dependency not vendored",
			deps: "  - name: redis\n    version: 1.0.0\n    repository: https://charts.example\n",
			want: "dependencies redis are listed in Chart.yaml but missing from charts/: run `helm dependency build`",
		},
		{
			name: "wrong chart at the path",
			deps: "  - name: kid\n    repository: file://../child\n",
			want: "the chart there is called child",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			copyDir(t, filepath.Join(testdata(t), "charts", "child"), filepath.Join(root, "child"))
			copyDir(t, filepath.Join(testdata(t), "charts", "parent"), filepath.Join(root, "parent"))
			chartYAML := "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n" + tt.deps
			require.NoError(t, os.WriteFile(filepath.Join(root, "parent", "Chart.yaml"), []byte(chartYAML), 0o644))
			opts := stageOptions(t, fakeCluster(t))
			opts.Root = root
			opts.Release.Chart = "parent"

			_, err := newStage(t, opts).Plan(t.Context())
			var ce *ChartError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, os.CopyFS(to, os.DirFS(from)))
}

// packageChart packages the web chart at version into dir and returns the
// archive's file name and bytes.
func packageChart(t *testing.T, dir, version string) (string, []byte) {
	t.Helper()
	ch, err := loader.Load(filepath.Join(testdata(t), "charts", "web"))
	require.NoError(t, err)
	ch.Metadata.Version = version
	for _, f := range ch.Raw {
		if f.Name == "values.yaml" {
			f.Data = []byte(strings.Replace(string(f.Data), "greeting: hello", "greeting: hello from "+version, 1))
		}
	}
	path, err := chartutil.Save(ch, dir)
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return filepath.Base(path), data
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func TestRepositoryChart(t *testing.T) {
	dir := t.TempDir()
	archives := map[string][]byte{}
	idx := repo.NewIndexFile()
	for _, v := range []string{"1.0.0", "1.1.0", "2.0.0-rc.1"} {
		name, data := packageChart(t, dir, v)
		archives["/charts/"+name] = data
		md := &chart.Metadata{APIVersion: "v2", Name: "web", Version: v}
		// Relative URLs resolve against the repository URL.
		require.NoError(t, idx.MustAdd(md, "charts/"+name, "", "sha256:"+sha(data)))
	}
	idx.SortEntries()
	indexYAML, err := yaml.Marshal(idx)
	require.NoError(t, err)
	var indexHits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/stable/index.yaml":
			indexHits.Add(1)
			_, _ = w.Write(indexYAML)
		case strings.HasPrefix(r.URL.Path, "/stable/charts/"):
			data, ok := archives[strings.TrimPrefix(r.URL.Path, "/stable")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			if r.URL.Query().Get("corrupt") != "" {
				data = append([]byte("x"), data...)
			}
			_, _ = w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)

	tests := []struct {
		name    string
		version string
		want    string
		err     string
	}{
		{name: "exact version", version: "1.0.0", want: "hello from 1.0.0"},
		{name: "range", version: "~1.0 || ^1.1", want: "hello from 1.1.0"},
		{name: "latest stable", version: "", want: "hello from 1.1.0"},
		{name: "unknown version", version: "3.0.0", err: "version 3.0.0 not found in the repository index"},
	}
	cache := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			opts.Release.Chart = "web"
			opts.Release.Repo = srv.URL + "/stable"
			opts.Release.Version = tt.version
			opts.HTTPClient = srv.Client()
			opts.RepoCacheDir = cache

			res, err := newStage(t, opts).Plan(t.Context())
			if tt.err != "" {
				var ce *ChartError
				require.ErrorAs(t, err, &ce)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, res.Diff, "+  GREETING: "+tt.want+"\n")
		})
	}
	// One index fetch for the run, archives cached on disk.
	assert.Equal(t, int32(1), indexHits.Load())
	files, err := os.ReadDir(filepath.Join(cache, "charts"))
	require.NoError(t, err)
	assert.Len(t, files, 2)
}

func TestRepositoryIndexErrors(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/empty/index.yaml":
		case "/denied/index.yaml":
			http.Error(w, "no", http.StatusForbidden)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		repo string
		want string
	}{
		{repo: srv.URL + "/empty", want: "repository index"},
		{repo: srv.URL + "/denied", want: "403 Forbidden"},
		{repo: "ftp://charts.example", want: "only https:// (or http://) chart repositories are supported"},
		{repo: strings.Replace(srv.URL, "https://", "https://user:hunter22@", 1) + "/denied", want: "https://xxxxx@"},
	}
	for _, tt := range tests {
		t.Run(tt.repo, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			opts.Release = config.Release{Release: "web", Namespace: "app", Chart: "web", Repo: tt.repo, Version: "1.0.0"}
			opts.HTTPClient = srv.Client()
			_, err := newStage(t, opts).Plan(t.Context())
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "hunter22")
		})
	}
}

func TestParseOCIReference(t *testing.T) {
	tests := []struct {
		ref, version string
		want         ociReference
		pull         string
		err          string
	}{
		{ref: "oci://registry.example/charts/web", version: "1.2.3",
			want: ociReference{Repository: "registry.example/charts/web", Tag: "1.2.3"}, pull: "registry.example/charts/web:1.2.3"},
		{ref: "oci://registry.example:5000/charts/web:1.2.3",
			want: ociReference{Repository: "registry.example:5000/charts/web", Tag: "1.2.3"}},
		{ref: "oci://registry.example/charts/web:1.2.3", version: "1.2.3",
			want: ociReference{Repository: "registry.example/charts/web", Tag: "1.2.3"}},
		{ref: "oci://registry.example/charts/web", version: "1.2.3+build.4",
			want: ociReference{Repository: "registry.example/charts/web", Tag: "1.2.3_build.4"}},
		{ref: "oci://registry.example/charts/web", version: "^1.2",
			want: ociReference{Repository: "registry.example/charts/web", Constraint: "^1.2"}, pull: "registry.example/charts/web"},
		{ref: "oci://registry.example/charts/web",
			want: ociReference{Repository: "registry.example/charts/web"}},
		{ref: "oci://registry.example/charts/web@sha256:abcd",
			want: ociReference{Repository: "registry.example/charts/web", Digest: "sha256:abcd"}, pull: "registry.example/charts/web@sha256:abcd"},
		{ref: "oci://registry.example/charts/web:1.2.3", version: "1.2.4", err: "the reference's tag 1.2.3 and version 1.2.4 differ"},
		{ref: "oci://registry.example", err: "want oci://registry/path/chart"},
		{ref: "oci://registry.example/charts/web", version: "not a version!", err: "neither a version nor a range"},
		{ref: "oci://registry.example/charts/web@sha256:abcd", version: "^1", err: "a digest cannot be combined"},
	}
	for _, tt := range tests {
		t.Run(tt.ref+" "+tt.version, func(t *testing.T) {
			got, err := parseOCIReference(tt.ref, tt.version)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			if tt.pull != "" {
				assert.Equal(t, tt.pull, got.String())
			}
		})
	}
}

// ociRegistry serves charts read-only over the OCI distribution API: the
// few requests a pull makes.
func ociRegistry(t *testing.T, repository string, charts map[string][]byte) *httptest.Server {
	t.Helper()
	blobs := map[string][]byte{}
	manifests := map[string][]byte{}
	put := func(data []byte) map[string]any {
		d := "sha256:" + sha(data)
		blobs[d] = data
		return map[string]any{"digest": d, "size": len(data)}
	}
	var tags []string
	for version, archive := range charts {
		cfg, err := json.Marshal(map[string]string{"apiVersion": "v2", "name": "web", "version": version})
		require.NoError(t, err)
		c := put(cfg)
		c["mediaType"] = "application/vnd.cncf.helm.config.v1+json"
		l := put(archive)
		l["mediaType"] = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
		m, err := json.Marshal(map[string]any{
			"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
			"config": c, "layers": []any{l},
		})
		require.NoError(t, err)
		manifests[strings.ReplaceAll(version, "+", "_")] = m
		manifests["sha256:"+sha(m)] = m
		tags = append(tags, strings.ReplaceAll(version, "+", "_"))
	}
	prefix := "/v2/" + repository + "/"
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/v2/" || p == "/v2":
			w.WriteHeader(http.StatusOK)
		case p == prefix+"tags/list":
			_ = json.NewEncoder(w).Encode(map[string]any{"name": repository, "tags": tags})
		case strings.HasPrefix(p, prefix+"manifests/"):
			m, ok := manifests[strings.TrimPrefix(p, prefix+"manifests/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
			w.Header().Set("Docker-Content-Digest", "sha256:"+sha(m))
			w.Header().Set("Content-Length", fmt.Sprint(len(m)))
			if r.Method != http.MethodHead {
				_, _ = w.Write(m)
			}
		case strings.HasPrefix(p, prefix+"blobs/"):
			b, ok := blobs[strings.TrimPrefix(p, prefix+"blobs/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Length", fmt.Sprint(len(b)))
			if r.Method != http.MethodHead {
				_, _ = w.Write(b)
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestOCIChart(t *testing.T) {
	dir := t.TempDir()
	charts := map[string][]byte{}
	for _, v := range []string{"1.0.0", "1.4.0"} {
		_, data := packageChart(t, dir, v)
		charts[v] = data
	}
	srv := ociRegistry(t, "charts/web", charts)
	host := strings.TrimPrefix(srv.URL, "https://")
	t.Setenv("HELM_REGISTRY_CONFIG", filepath.Join(t.TempDir(), "config.json"))
	t.Setenv("DOCKER_CONFIG", t.TempDir())

	tests := []struct {
		name, chart, version, want string
	}{
		{name: "version", chart: "oci://" + host + "/charts/web", version: "1.0.0", want: "hello from 1.0.0"},
		{name: "tag in the reference", chart: "oci://" + host + "/charts/web:1.4.0", want: "hello from 1.4.0"},
		{name: "highest tag in a range", chart: "oci://" + host + "/charts/web", version: "^1.0.0", want: "hello from 1.4.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			opts.Release.Chart = tt.chart
			opts.Release.Version = tt.version
			opts.HTTPClient = srv.Client()

			res, err := newStage(t, opts).Plan(t.Context())
			require.NoError(t, err)
			assert.Contains(t, res.Diff, "+  GREETING: "+tt.want+"\n")
		})
	}

	opts := stageOptions(t, fakeCluster(t))
	opts.Release.Chart = "oci://" + host + "/charts/web"
	opts.Release.Version = "9.9.9"
	opts.HTTPClient = srv.Client()
	_, err := newStage(t, opts).Plan(t.Context())
	var ce *ChartError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "pull "+host+"/charts/web:9.9.9")
}
