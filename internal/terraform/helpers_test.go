package terraform

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// testPassword is the sensitive variable of testdata/basic.
const testPassword = "correct-horse-battery-staple"

// integration skips the test in -short mode and returns the tofu binary.
func integration(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: runs tofu")
	}
	return testtools.Tofu(t)
}

// copyConfig copies testdata/name into a temporary directory and returns
// the copy's absolute path.
func copyConfig(t testing.TB, name string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name))))
	return dst
}

// syncBuffer is a bytes.Buffer for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// tofuEnv is the environment of the integration tests' commands: PATH and
// HOME from the test's, and the offline settings of testtools.TofuEnv.
func tofuEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	env = append(env, testtools.TofuEnv(t)...)
	return append(env, extra...)
}

// newStage returns a stage of dir that runs tofu, logs into the returned
// buffer (printed when the test fails) and keeps its plan files in a
// temporary directory. edit changes the options before New.
func newStage(t testing.TB, tofu, dir string, edit func(*Options)) (*Stage, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts := Options{
		Binary:  tofu,
		Log:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Env:     tofuEnv(t, "TF_VAR_password="+testPassword),
		Stack:   plan.Stack{Tier: "infrastructure", Environment: "test"},
		Name:    filepath.Base(dir),
		Dir:     dir,
		WorkDir: t.TempDir(),
	}
	if edit != nil {
		edit(&opts)
	}
	s, err := New(opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of %s:\n%s", s, logs)
		}
	})
	return s, logs
}

// writeVars writes a var file into dir and returns its name.
func writeVars(t testing.TB, dir, name, body string) string {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	return name
}

// tofuRaw runs tofu directly in dir, for test setup.
func tofuRaw(t testing.TB, tofu, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tofu, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "tofu %s:\n%s", strings.Join(args, " "), out)
	return string(out)
}

// addresses returns the addresses and actions of a result's resources.
func addresses(r plan.Result) map[string]plan.Action {
	m := map[string]plan.Action{}
	for _, rc := range r.Resources {
		m[rc.Address] = rc.Action
	}
	return m
}

// fileContents returns every file under dir, by relative path.
func fileContents(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	}))
	return out
}

// forEachProduct runs an integration test on each Terraform-compatible
// CLI, in parallel: OpenTofu from the tools directory, and HashiCorp
// Terraform 1.11 or later from PATH (the machine image's; skipped when it
// is missing, a failure under CI, like every missing tool).
func forEachProduct(t *testing.T, test func(t *testing.T, bin string)) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: runs tofu and terraform")
	}
	t.Run("tofu", func(t *testing.T) {
		t.Parallel()
		test(t, testtools.Tofu(t))
	})
	t.Run("terraform", func(t *testing.T) {
		t.Parallel()
		bin, version := testtools.Terraform(t)
		t.Logf("Terraform %s (%s)", version, bin)
		test(t, bin)
	})
}
