package ship

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// TestSmokeScript runs scripts/smoke-image.sh, the test every image passes
// before it is pushed, against a stand-in for the image where no container
// engine runs: testdata/fake-docker.sh runs each container as a chroot with
// the Dockerfile's users, git configuration and default user, the release
// binary and OpenTofu in /usr/local/bin, and the build machine's /usr for
// the rest. It passes for the image as the Dockerfile makes it, and fails
// for an image whose default user is 1001, as it was before.
func TestSmokeScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tierdeploy and runs OpenTofu")
	}
	if os.Geteuid() != 0 {
		t.Skip("the stand-in image needs root (chroot, mounts)")
	}
	if out, err := exec.CommandContext(t.Context(), "unshare", "--mount", "true").CombinedOutput(); err != nil {
		// Unprivileged containers (CI jobs) may not make mount namespaces;
		// TestEntrypointAsAnotherUser covers the users there.
		t.Skipf("the stand-in image needs mount namespaces: unshare --mount: %v: %s", err, out)
	}
	tofu := testtools.Tofu(t)
	tfrc := testtools.Require(t, "providers", "tofu.tfrc")
	tools, err := filepath.Abs(testtools.Dir(t))
	require.NoError(t, err)
	bin := releaseBinary(t, runtime.GOARCH)
	abs, err := filepath.Abs(root)
	require.NoError(t, err)

	state := worldTempDir(t)
	rootfs := filepath.Join(state, "rootfs")
	for dir, mode := range map[string]os.FileMode{
		"usr": 0o755, "dev": 0o755, "proc": 0o755, "etc": 0o755, "v": 0o755, "root": 0o700, "tmp": 0o1777,
		"home/tierdeploy": 0o755, strings.TrimPrefix(tools, "/"): 0o755,
	} {
		p := filepath.Join(rootfs, dir)
		require.NoError(t, os.MkdirAll(p, 0o755))
		require.NoError(t, os.Chmod(p, mode))
	}
	for _, l := range []string{"bin", "lib", "lib64", "sbin"} {
		if target, err := os.Readlink("/" + l); err == nil {
			require.NoError(t, os.Symlink(target, filepath.Join(rootfs, l)))
		}
	}
	// The image's users and git configuration, as the Dockerfile writes them.
	rootfsRuns := strings.Join(runs(parseDockerfile(t).stage(t, "rootfs")), "\n")
	line := func(file string) string {
		m := regexp.MustCompile(`echo '([^']*)' >>/rootfs/etc/` + file).FindStringSubmatch(rootfsRuns)
		require.NotNil(t, m, "the Dockerfile adds no line to /etc/%s", file)
		return m[1] + "\n"
	}
	files := map[string]string{
		"etc/passwd":    "root:x:0:0:root:/root:/bin/sh\n" + line("passwd"),
		"etc/group":     "root:x:0:root\n" + line("group"),
		"etc/gitconfig": imageGitConfig(t),
	}
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(rootfs, name), []byte(content), 0o644))
	}
	for _, f := range []string{"ld.so.cache", "nsswitch.conf"} {
		if b, err := os.ReadFile("/etc/" + f); err == nil {
			require.NoError(t, os.WriteFile(filepath.Join(rootfs, "etc", f), b, 0o644))
		}
	}
	uid, gid := unprivilegedUser(t)
	require.NoError(t, os.Chown(filepath.Join(rootfs, "home/tierdeploy"), uid, gid))
	imageBin := filepath.Join(state, "image-bin")
	require.NoError(t, os.Mkdir(imageBin, 0o755))
	for name, src := range map[string]string{"tierdeploy": bin, "tofu": tofu} {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(imageBin, name), b, 0o755))
	}
	fakeBin := filepath.Join(state, "bin")
	require.NoError(t, os.Mkdir(fakeBin, 0o755))
	require.NoError(t, os.Symlink(filepath.Join(abs, "test", "ship", "testdata", "fake-docker.sh"), filepath.Join(fakeBin, "docker")))

	smoke := func(t *testing.T, defaultUser string) (string, error) {
		cmd := exec.CommandContext(t.Context(), filepath.Join(abs, "scripts", "smoke-image.sh"), "tierdeploy:stand-in")
		cmd.Dir = abs
		cmd.Env = append(os.Environ(),
			"PATH="+fakeBin+string(os.PathListSeparator)+os.Getenv("PATH"),
			"FAKE_DOCKER_STATE="+state,
			"FAKE_DOCKER_IMAGE=tierdeploy:stand-in",
			"FAKE_DOCKER_USER="+defaultUser,
			"FAKE_DOCKER_BINDS="+imageBin+"=/usr/local/bin "+tools+"="+tools,
			"FAKE_DOCKER_ENV=TF_CLI_CONFIG_FILE="+tfrc+" CHECKPOINT_DISABLE=1",
		)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	t.Run("the image as the Dockerfile makes it", func(t *testing.T) {
		u, g := imageUser(t)
		out, err := smoke(t, strconv.Itoa(u)+":"+strconv.Itoa(g))
		require.NoError(t, err, "%s", out)
		for _, want := range []string{
			"smoke: tierdeploy, tofu and git start",
			"smoke: the default user is root; 1001 is tierdeploy with a writable home",
			"smoke: GitHub: the default user plans a workspace owned by another user; UID 1001 cannot",
			"smoke: GitLab: UID 1001 plans a checkout made with umask 0",
			"smoke: passed: tierdeploy:stand-in",
		} {
			require.Contains(t, out, want)
		}
	})
	t.Run("an image that runs as 1001", func(t *testing.T) {
		out, err := smoke(t, "1001:1001")
		require.Error(t, err)
		require.Contains(t, out, "the image's default user is UID 1001, not root")
	})
	entries, err := os.ReadDir(filepath.Join(state, "volumes"))
	require.NoError(t, err)
	require.Empty(t, entries, "the smoke test left a volume behind")
}
