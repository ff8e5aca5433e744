package helm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestChartCannotReadPlatformTokens renders, in-process, charts whose
// templates try to read the platform's token from the environment, as a
// hostile change could write them: Helm's template functions have no
// access to the environment, so the render fails and the token appears
// nowhere. (A guard: this holds because Helm leaves sprig's env and
// expandenv out; tierdeploy starts no Helm plugin or post-renderer.)
func TestChartCannotReadPlatformTokens(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "planted-platform-token")
	for name, tmpl := range map[string]string{
		"env":       `{{ env "GITHUB_TOKEN" }}`,
		"expandenv": `{{ expandenv "$GITHUB_TOKEN" }}`,
	} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			chart := filepath.Join(root, "charts", "leak")
			require.NoError(t, os.MkdirAll(filepath.Join(chart, "templates"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(chart, "Chart.yaml"), []byte("apiVersion: v2\nname: leak\nversion: 0.1.0\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(chart, "templates", "cm.yaml"),
				[]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leak\ndata:\n  token: \""+tmpl+"\"\n"), 0o644))
			opts := stageOptions(t, fakeCluster(t))
			opts.Root = root
			opts.Release.Chart = "charts/leak"
			res, err := newStage(t, opts).Plan(t.Context())
			require.Error(t, err)
			assert.Contains(t, err.Error(), `function "`+name+`" not defined`)
			assert.NotContains(t, res.Diff, "planted-platform-token")
		})
	}
}
