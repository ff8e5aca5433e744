package repofs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// escapeRepo writes a repository with files and, outside it, a secret.
func escapeRepo(t *testing.T) (repo, secret string) {
	t.Helper()
	repo, outside := t.TempDir(), t.TempDir()
	for _, p := range []string{"mod/main.tf", "shared/x.tf", "dir/.terraform/keep"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(repo, p)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(repo, p), []byte("ok\n"), 0o644))
	}
	secret = filepath.Join(outside, "kubeconfig")
	require.NoError(t, os.WriteFile(secret, []byte("token: planted-secret\n"), 0o600))
	return repo, secret
}

// TestSymlinkEscapeRefused plants links out of the repository and checks
// that every way of reading through Root refuses them, naming the link,
// and never returns the secret.
func TestSymlinkEscapeRefused(t *testing.T) {
	repo, secret := escapeRepo(t)
	require.NoError(t, os.Symlink(secret, filepath.Join(repo, "mod", "leak.tf")))
	require.NoError(t, os.Symlink(filepath.Dir(secret), filepath.Join(repo, "outdir")))
	require.NoError(t, os.Symlink("../mod", filepath.Join(repo, "shared", "mod")))
	require.NoError(t, os.Symlink(secret, filepath.Join(repo, "dir", ".terraform", "plugin")))
	r, err := Open(repo)
	require.NoError(t, err)

	for name, tt := range map[string]struct {
		err  error
		path string
	}{
		"Check of a link":           {r.Check("mod/leak.tf"), "mod/leak.tf"},
		"Check under a linked dir":  {r.Check("outdir/kubeconfig"), "outdir/kubeconfig"},
		"CheckTree finds the link":  {r.CheckTree("mod"), "mod/leak.tf"},
		"CheckTree through in-repo": {r.CheckTree("shared"), "shared/mod/leak.tf"},
		"CheckPath absolute":        {r.CheckPath(filepath.Join(repo, "outdir", "kubeconfig")), "outdir/kubeconfig"},
	} {
		t.Run(name, func(t *testing.T) {
			var esc *EscapeError
			require.True(t, errors.As(tt.err, &esc), "%v", tt.err)
			assert.True(t, errors.Is(tt.err, ErrEscape))
			assert.Equal(t, tt.path, esc.Path)
			assert.Contains(t, tt.err.Error(), "outside the repository")
			assert.NotContains(t, tt.err.Error(), "planted-secret")
		})
	}

	fsys := r.FS()
	for _, p := range []string{"mod/leak.tf", "outdir/kubeconfig"} {
		b, err := fs.ReadFile(fsys, p)
		assert.Empty(t, b, p)
		assert.ErrorIs(t, err, ErrEscape, p)
	}
	entries, err := fs.ReadDir(fsys, "outdir")
	assert.Empty(t, entries)
	assert.ErrorIs(t, err, ErrEscape)

	b, err := fs.ReadFile(fsys, "shared/mod/main.tf")
	require.NoError(t, err, "a link inside the repository is followed")
	assert.Equal(t, "ok\n", string(b))
	assert.NoError(t, r.CheckTree("dir"), ".terraform is skipped")
	assert.NoError(t, r.Check("missing/file"), "a missing path is left to the caller")
	assert.NoError(t, r.CheckPath(secret), "a path outside the repository, named as such, is not checked")
}
