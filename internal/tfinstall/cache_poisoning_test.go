//go:build unix

package tfinstall_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall/releasetest"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// plant writes a cache entry for tofu 1.10.7 whose binary is evil and
// whose record matches it, as another user who can write the cache would.
func plant(t *testing.T, cacheDir string) string {
	t.Helper()
	dir := filepath.Join(cacheDir, "tofu", "1.10.7", "linux_amd64")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	evil := []byte("#!/bin/sh\necho '{\"terraform_version\":\"1.10.7\"}'\n# planted\n")
	bin := filepath.Join(dir, "tofu")
	require.NoError(t, os.WriteFile(bin, evil, 0o755))
	sum := sha256.Sum256(evil)
	m, err := json.Marshal(map[string]string{
		"product": "tofu", "version": "1.10.7", "platform": "linux_amd64",
		"archive": "tofu_1.10.7_linux_amd64.zip", "binary_sha256": hex.EncodeToString(sum[:]),
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".tierdeploy-verified.json"), m, 0o644))
	return bin
}

// A tool cache that other users can write is not trusted: anyone who can
// write it can plant a binary with a record that matches it (the record is
// in the same directory, so it proves nothing by itself), or swap the
// binary between its check and its run. Such a cache is refused with an
// error that says how to fix it, and nothing from it is run or written to
// it.
func TestToolCacheWritableByOthersIsRefused(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	for name, open := range map[string]func(root string){
		"world-writable root":        func(root string) { require.NoError(t, os.Chmod(root, 0o777)) },
		"group-writable root":        func(root string) { require.NoError(t, os.Chmod(root, 0o775)) },
		"world-writable product dir": func(root string) { require.NoError(t, os.Chmod(filepath.Join(root, "tofu"), 0o777)) },
		"world-writable version dir": func(root string) { require.NoError(t, os.Chmod(filepath.Join(root, "tofu", "1.10.7"), 0o777)) },
		"world-writable platform dir": func(root string) {
			require.NoError(t, os.Chmod(filepath.Join(root, "tofu", "1.10.7", "linux_amd64"), 0o777))
		},
		"world-writable binary": func(root string) {
			require.NoError(t, os.Chmod(filepath.Join(root, "tofu", "1.10.7", "linux_amd64", "tofu"), 0o777))
		},
	} {
		t.Run(name, func(t *testing.T) {
			cacheDir := filepath.Join(t.TempDir(), "cache")
			require.NoError(t, os.Mkdir(cacheDir, 0o755))
			bin := plant(t, cacheDir)
			open(cacheDir)
			in, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })

			for _, want := range []string{"1.10.7", "~> 1.10.0"} {
				b, err := in.Select(t.Context(), ask(t, tfversion.OpenTofu, want))
				var unsafe *tfinstall.UnsafeCacheError
				require.True(t, errors.As(err, &unsafe), "%s: got %+v, %v", want, b, err)
				require.Contains(t, err.Error(), "writable by other users")
				require.Contains(t, err.Error(), "TIERDEPLOY_TOOL_CACHE")
				_, err = in.Install(t.Context(), ask(t, tfversion.OpenTofu, want))
				require.True(t, errors.As(err, &unsafe), "%s: %v", want, err)
			}
			require.Zero(t, srv.Hits("tofu_1.10.7_linux_amd64.zip"), "nothing is downloaded into it")
			data, err := os.ReadFile(bin)
			require.NoError(t, err)
			require.Contains(t, string(data), "# planted", "the planted binary was neither run nor replaced")
		})
	}
}

// A tool cache, or a directory in it, that belongs to another user is
// refused even when only its owner can write it: root must not run what a
// runner user left there.
func TestToolCacheOfAnotherUserIsRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := filepath.Join(t.TempDir(), "cache")
	require.NoError(t, os.Mkdir(cacheDir, 0o755))
	plant(t, cacheDir)
	require.NoError(t, os.Chown(filepath.Join(cacheDir, "tofu"), 4242, 4242))
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	var unsafe *tfinstall.UnsafeCacheError
	require.True(t, errors.As(err, &unsafe), "%v", err)
	require.Contains(t, err.Error(), "belongs to another user (uid 4242)")
}

// A symbolic link where a cache entry's lock file goes (planted by whoever
// could write the directory once) is not followed: the lock never creates
// or opens a file elsewhere.
func TestLockFileSymlinkIsNotFollowed(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := filepath.Join(t.TempDir(), "cache")
	victim := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.MkdirAll(filepath.Join(cacheDir, "tofu", "1.10.7"), 0o755))
	require.NoError(t, os.Symlink(victim, filepath.Join(cacheDir, "tofu", "1.10.7", "linux_amd64.lock")))
	in, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	_, err := in.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.Error(t, err)
	_, statErr := os.Lstat(victim)
	require.True(t, os.IsNotExist(statErr), "the lock created a file through the link")
	requireNoBinary(t, cacheDir)
}

// A private cache, as tierdeploy creates it, is used: the checks refuse
// only what others can write.
func TestPrivateToolCacheIsUsed(t *testing.T) {
	srv := releasetest.New(t, releasetest.Options{Releases: published})
	cacheDir := filepath.Join(t.TempDir(), "new", "cache")
	first, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, err := first.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.Downloaded, b.Location)
	second, _ := newInstaller(t, srv, func(o *tfinstall.Options) { o.CacheDir = cacheDir })
	b, err = second.Install(t.Context(), ask(t, tfversion.OpenTofu, "1.10.7"))
	require.NoError(t, err)
	require.Equal(t, tfinstall.InCache, b.Location)
}
