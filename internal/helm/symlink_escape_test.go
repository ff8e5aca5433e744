package helm

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/repofs"
)

// leakTemplate renders the chart's file "secret" into a ConfigMap: what a
// pull request could add to a dependency chart to show a file of the runner
// in the diff.
const leakTemplate = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-leak
data:
  leak: {{ .Files.Get "files/secret" | quote }}
`

// TestFileDependencySymlinkEscapeRefused plants file:// chart dependencies
// that lead outside the repository, to a chart or a file holding a secret,
// and checks that the stage refuses each, naming it, before rendering
// anything: the secret reaches neither the diff nor the error.
func TestFileDependencySymlinkEscapeRefused(t *testing.T) {
	tests := map[string]struct {
		plant func(t *testing.T, root, outside string) (repository string)
		want  string
	}{
		"dependency directory linked outside": {func(t *testing.T, root, outside string) string {
			require.NoError(t, os.Symlink(filepath.Join(outside, "child"), filepath.Join(root, "child")))
			return "file://../child"
		}, "child leads outside the repository through a symbolic link"},
		"file of the dependency linked outside": {func(t *testing.T, root, outside string) string {
			copyDir(t, filepath.Join(outside, "child"), filepath.Join(root, "child"))
			require.NoError(t, os.Remove(filepath.Join(root, "child", "files", "secret")))
			require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "child", "files", "secret")))
			return "file://../child"
		}, "child/files/secret leads outside the repository through a symbolic link"},
		"absolute path outside": {func(t *testing.T, root, outside string) string {
			return "file://" + filepath.Join(outside, "child")
		}, "outside the repository"},
		"relative path climbing out": {func(t *testing.T, root, outside string) string {
			rel, err := filepath.Rel(filepath.Join(root, "parent"), filepath.Join(outside, "child"))
			require.NoError(t, err)
			return "file://" + rel
		}, "outside the repository"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			root, outside := t.TempDir(), t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("planted-secret"), 0o600))
			copyDir(t, filepath.Join(testdata(t), "charts", "child"), filepath.Join(outside, "child"))
			require.NoError(t, os.WriteFile(filepath.Join(outside, "child", "templates", "leak.yaml"), []byte(leakTemplate), 0o644))
			require.NoError(t, os.MkdirAll(filepath.Join(outside, "child", "files"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(outside, "child", "files", "secret"), []byte("planted-secret"), 0o600))
			copyDir(t, filepath.Join(testdata(t), "charts", "parent"), filepath.Join(root, "parent"))
			repository := tt.plant(t, root, outside)
			chartYAML := "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: child\n    repository: " + repository + "\n"
			require.NoError(t, os.WriteFile(filepath.Join(root, "parent", "Chart.yaml"), []byte(chartYAML), 0o644))
			opts := stageOptions(t, fakeCluster(t))
			opts.Root = root
			opts.Release.Chart = "parent"

			res, err := newStage(t, opts).Plan(t.Context())
			require.Error(t, err)
			assert.True(t, errors.Is(err, repofs.ErrEscape), "%v", err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "planted-secret")
			assert.NotContains(t, res.Diff, "planted-secret")
		})
	}
}
