package ship

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/stretchr/testify/require"
)

// testVersion is the version the release binaries of the tests report.
const testVersion = "v0.0.0-ship-test"

// builds holds the release binaries built by releaseBinary, one per
// architecture, in a directory TestMain removes.
var builds struct {
	sync.Mutex
	dir   string
	paths map[string]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// releaseBinary builds tierdeploy for linux/goarch exactly as the image does:
// the go build RUN line of the Dockerfile's build stage, run by sh with the
// stage's ENV and the build arguments a multi-platform build sets
// (TARGETOS, TARGETARCH, VERSION), writing under a temporary /out. It
// returns the binary's path; each architecture is built once per test run.
func releaseBinary(t *testing.T, goarch string) string {
	t.Helper()
	builds.Lock()
	defer builds.Unlock()
	if p, ok := builds.paths[goarch]; ok {
		return p
	}
	if builds.dir == "" {
		dir, err := os.MkdirTemp("", "tierdeploy-release-")
		require.NoError(t, err)
		// Other users run these binaries (TestEntrypointAsAnotherUser).
		require.NoError(t, os.Chmod(dir, 0o755))
		builds.dir, builds.paths = dir, map[string]string{}
	}
	stage := parseDockerfile(t).stage(t, "build")
	var line string
	for _, r := range runs(stage) {
		if strings.Contains(r, "go build") {
			line = r
		}
	}
	require.NotEmpty(t, line, "the build stage runs no go build")
	out := filepath.Join(builds.dir, goarch)
	require.Contains(t, line, "/out/bin/tierdeploy")
	line = strings.ReplaceAll(line, "/out/", out+"/")

	env := os.Environ()
	for _, c := range stage.Commands {
		if e, ok := c.(*instructions.EnvCommand); ok {
			for _, kv := range e.Env {
				env = append(env, kv.Key+"="+strings.Trim(kv.Value, `"`))
			}
		}
	}
	env = append(env, "TARGETOS=linux", "TARGETARCH="+goarch, "VERSION="+testVersion)
	abs, err := filepath.Abs(root)
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), "sh", "-c", line)
	cmd.Dir, cmd.Env = abs, env
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "the build stage's go build for linux/%s failed:\n%s", goarch, b)
	p := filepath.Join(out, "bin", "tierdeploy")
	builds.paths[goarch] = p
	return p
}

// TestReleaseBinariesCrossCompile builds the release binaries of both
// platforms of the image, so that a change that breaks linux/arm64 fails
// here and not in the release: each is a static ELF executable for its
// machine and carries the version it was built with.
func TestReleaseBinariesCrossCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds tierdeploy twice")
	}
	for goarch, machine := range map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64} {
		t.Run(goarch, func(t *testing.T) {
			p := releaseBinary(t, goarch)
			f, err := elf.Open(p)
			require.NoError(t, err)
			defer f.Close()
			require.Equal(t, machine, f.Machine, "%s is built for %s", p, f.Machine)
			require.Equal(t, elf.ET_EXEC, f.Type)
			for _, prog := range f.Progs {
				require.NotEqual(t, elf.PT_INTERP, prog.Type, "the binary is dynamically linked: the image has no C library for it (CGO_ENABLED=0)")
			}
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			require.True(t, bytes.Contains(b, []byte(testVersion)), "the binary does not carry the version from the build argument")
			if goarch == runtime.GOARCH {
				out, err := exec.CommandContext(t.Context(), p, "version").CombinedOutput()
				require.NoError(t, err, "%s", out)
				require.Contains(t, string(out), testVersion)
			}
		})
	}
}
