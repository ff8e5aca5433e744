package tfversion

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVersionFileSymlinkEscapeRefused plants each file Resolve reads as a
// link to a file outside the repository that would decide a version (so
// that reading it would go unnoticed) and also holds a secret: through the
// repository root, each is refused with a *FileError naming the link, and
// the secret reaches no error.
func TestVersionFileSymlinkEscapeRefused(t *testing.T) {
	tests := map[string]struct {
		link    string // where the link is planted, relative to the repository
		content string
		in      Input
	}{
		".terraform-version in the stage": {stage + "/.terraform-version", "1.5.7\n# planted-secret\n", Input{Dir: stage, Binary: "terraform"}},
		".opentofu-version in a parent":   {"terraform/.opentofu-version", "1.10.7\n# planted-secret\n", Input{Dir: stage}},
		".tool-versions at the root":      {".tool-versions", "opentofu 1.10.7 # planted-secret\n", Input{Dir: stage}},
		"a .tf file with required_version": {stage + "/versions.tf",
			"terraform {\n  required_version = \"1.10.7\" # planted-secret\n}\n", Input{Dir: stage}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			repo, outside := t.TempDir(), t.TempDir()
			secret := filepath.Join(outside, "secret")
			require.NoError(t, os.WriteFile(secret, []byte(tt.content), 0o600))
			require.NoError(t, os.MkdirAll(filepath.Join(repo, filepath.FromSlash(stage)), 0o755))
			require.NoError(t, os.Symlink(secret, filepath.Join(repo, filepath.FromSlash(tt.link))))
			root, err := os.OpenRoot(repo)
			require.NoError(t, err)
			defer root.Close()

			r, err := Resolve(root.FS(), tt.in)
			require.Error(t, err, "resolved %+v from a file outside the repository", r)
			var fe *FileError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tt.link, fe.File)
			assert.NotContains(t, err.Error(), "planted-secret")
		})
	}
}
