package app

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDetectSymlinkEscapeRefused plants, where a pull request could, a
// local Terraform module and a file:// chart dependency that are links to
// directories outside the repository holding a secret (a file that does
// not parse, so that a parser's error would quote it). Detect follows
// modules and chart dependencies; it must refuse the link as bad input
// naming it, and read nothing outside the repository.
func TestDetectSymlinkEscapeRefused(t *testing.T) {
	tests := map[string]struct {
		plant func(t *testing.T, dir, outside string)
		link  string
	}{
		"terraform module linked outside": {func(t *testing.T, dir, outside string) {
			require.NoError(t, os.WriteFile(filepath.Join(outside, "main.tf"), []byte("planted-secret-value\n"), 0o600))
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "modules", "platform")))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, "modules", "platform")))
		}, "modules/platform"},
		"file in a terraform module linked outside": {func(t *testing.T, dir, outside string) {
			require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("planted-secret-value\n"), 0o600))
			require.NoError(t, os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "modules", "platform", "leak.tf")))
		}, "modules/platform/leak.tf"},
		"file:// chart dependency linked outside": {func(t *testing.T, dir, outside string) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "project", "chart", "Chart.yaml"),
				[]byte("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://../lib\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(outside, "Chart.yaml"), []byte("planted-secret-value\n"), 0o600))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, "project", "lib")))
		}, "project/lib/Chart.yaml"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			r := newRepo(t)
			tt.plant(t, r.Dir, t.TempDir())
			r.Commit("plant the link")
			code, out, stderr := runCLI(t, "--chdir", r.Dir, "detect", "--base", "main", "--head", "HEAD", "--format", "json")
			assert.Equal(t, ExitInput, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, stderr, tt.link+" leads outside the repository")
			assert.NotContains(t, out+stderr, "planted-secret")
		})
	}
}
