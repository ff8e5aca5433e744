package release

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runMain(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Main(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestMainEnv(t *testing.T) {
	dir := t.TempDir()
	component := filepath.Join(dir, "tierdeploy.yml")
	require.NoError(t, os.WriteFile(component, []byte(devComponent), 0o644))
	action := filepath.Join(dir, "action.yml")
	require.NoError(t, os.WriteFile(action, []byte(devAction), 0o644))

	code, out, stderr := runMain("env", "--component", component, "--action", action, "v1.2.3", "v1.2.2", "v1", "1.2.2", "v2.0.0")
	require.Equal(t, ExitOK, code, stderr)
	assert.Equal(t, "RELEASE_TAG=v1.2.3\nRELEASE_VERSION=1.2.3\nRELEASE_ALIASES=1.2 1\n", out)

	code, _, stderr = runMain("env", "--component", component, "v1.3.0")
	assert.Equal(t, ExitInput, code)
	assert.Contains(t, stderr, "prepare 1.3.0")

	pinned := filepath.Join(dir, "pinned.yml")
	require.NoError(t, os.WriteFile(pinned, []byte(strings.Replace(devAction, "  image: Dockerfile   #", "  image: "+testPinned+"   #", 1)), 0o644))
	code, _, stderr = runMain("env", "--action", pinned, "v1.2.3")
	assert.Equal(t, ExitInput, code)
	assert.Contains(t, stderr, "a release starts from action.yml")

	code, out, _ = runMain("env", "v1.2.3\nRELEASE_ALIASES=latest")
	assert.Equal(t, ExitInput, code)
	assert.Empty(t, out, "nothing is printed for a bad tag")
}

func TestMainPinAction(t *testing.T) {
	dir := t.TempDir()
	action := filepath.Join(dir, "action.yml")
	require.NoError(t, os.WriteFile(action, []byte(devAction), 0o640))
	code, _, stderr := runMain("pin-action", "--image", testImage, "--digest", testDigest, action)
	require.Equal(t, ExitOK, code, stderr)
	b, err := os.ReadFile(action)
	require.NoError(t, err)
	assert.Contains(t, string(b), "image: "+testPinned)
	info, err := os.Stat(action)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "the file keeps its mode")

	// A bad digest leaves the file as it was, and no temporary file behind.
	require.NoError(t, os.WriteFile(action, []byte(devAction), 0o644))
	code, _, stderr = runMain("pin-action", "--image", testImage, "--digest", "sha256:nope", action)
	assert.Equal(t, ExitInput, code)
	assert.Contains(t, stderr, "image digest")
	b, err = os.ReadFile(action)
	require.NoError(t, err)
	assert.Equal(t, devAction, string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)

	code, _, _ = runMain("pin-action", "--image", testImage, "--digest", testDigest, filepath.Join(dir, "missing.yml"))
	assert.Equal(t, ExitFailed, code)
}

func TestMainPrepare(t *testing.T) {
	component := filepath.Join(t.TempDir(), "tierdeploy.yml")
	require.NoError(t, os.WriteFile(component, []byte(devComponent), 0o644))
	code, _, stderr := runMain("prepare", "2.0.0", component)
	require.Equal(t, ExitOK, code, stderr)
	b, err := os.ReadFile(component)
	require.NoError(t, err)
	got, err := ComponentVersion(component, b)
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", got)

	code, _, _ = runMain("prepare", "v2.0.0", component)
	assert.Equal(t, ExitInput, code, "prepare takes the version, not the tag")
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"env"}, {"pin-action", "--image"}, {"prepare", "1.0.0", "a", "b"}, {"env", "--bogus", "v1.0.0"}} {
		code, _, stderr := runMain(args...)
		assert.Equal(t, ExitInput, code, "%q", args)
		assert.Contains(t, stderr, "Usage:", "%q", args)
	}
	code, out, _ := runMain("help")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, out, "pin-action")
}
