package reference

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// builtBinary is the tierdeploy binary built once for the package's tests.
var builtBinary struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// tierdeployBinary builds ./cmd/action as the release build does and
// returns the binary's path; the end-to-end tests run it as a user would.
func tierdeployBinary(t *testing.T) string {
	t.Helper()
	b := &builtBinary
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "tierdeploy-bin-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "tierdeploy")
		cmd := exec.Command("go", "build", "-trimpath", "-o", b.path, "./cmd/action")
		cmd.Dir = testtools.Root(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		b.out, b.err = cmd.CombinedOutput()
	})
	require.NoError(t, b.err, "go build ./cmd/action:\n%s", b.out)
	return b.path
}

// cli runs the tierdeploy binary in a repository with an environment of
// its own: nothing of the test process's environment reaches it but PATH,
// HOME-like basics and what the test sets.
type cli struct {
	bin, dir string
	env      map[string]string
	// seen collects every output, to check that no secret reached any.
	seen *strings.Builder
}

// passEnv are the variables of the test's environment the binary gets.
var passEnv = []string{"PATH", "LANG", "TMPDIR", "GOCOVERDIR"}

func newCLI(t *testing.T, bin, dir string) *cli {
	t.Helper()
	c := &cli{bin: bin, dir: dir, env: map[string]string{"HOME": t.TempDir()}, seen: &strings.Builder{}}
	for _, k := range passEnv {
		if v, ok := os.LookupEnv(k); ok {
			c.env[k] = v
		}
	}
	return c
}

// set adds KEY=VALUE entries to the binary's environment.
func (c *cli) set(kvs ...string) {
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		c.env[k] = v
	}
}

func (c *cli) environ() []string {
	out := make([]string, 0, len(c.env))
	for k, v := range c.env {
		out = append(out, k+"="+v)
	}
	return out
}

// run runs `tierdeploy --config tierdeploy.reference.yaml args...` and
// returns the exit code, standard output and standard error. It logs the
// command, its duration and the end of its log.
func (c *cli) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Minute)
	defer cancel()
	argv := append([]string{"--config", configFile}, args...)
	cmd := exec.CommandContext(ctx, c.bin, argv...)
	cmd.Dir, cmd.Env = c.dir, c.environ()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "run tierdeploy %s", strings.Join(args, " "))
		code = ee.ExitCode()
	}
	c.seen.WriteString(stdout.String())
	c.seen.WriteString(stderr.String())
	t.Logf("tierdeploy %s: exit %d in %s\n%s", strings.Join(args, " "), code,
		time.Since(began).Round(time.Second), tailLines(stderr.String(), 8))
	return code, stdout.String(), stderr.String()
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// referenceRepo copies the reference deployment (what a clean clone has of
// tierdeploy.reference.yaml, terraform/, charts/, deploy/ and policy/,
// without local Terraform data) into a new git repository and commits it.
func referenceRepo(t *testing.T) *gittest.Repo {
	t.Helper()
	r := gittest.New(t)
	root := testtools.Root(t)
	for _, top := range []string{"terraform", "charts", "deploy", "policy"} {
		src := filepath.Join(root, top)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() {
				if d.Name() == ".terraform" || d.Name() == ".tierdeploy" {
					return filepath.SkipDir
				}
				return os.MkdirAll(filepath.Join(r.Dir, rel), 0o755)
			}
			if strings.Contains(d.Name(), ".tfstate") || !d.Type().IsRegular() {
				return nil
			}
			return copyFile(p, filepath.Join(r.Dir, rel))
		})
		require.NoError(t, err)
	}
	require.NoError(t, copyFile(filepath.Join(root, configFile), filepath.Join(r.Dir, configFile)))
	r.Commit("the reference deployment")
	return r
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	st, err := os.Stat(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, st.Mode().Perm())
}

// command runs a program with the environment env (KEY=VALUE entries on
// top of PATH and HOME) in dir and returns its standard output; it fails
// the test when the program fails.
func command(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "%s %s:\n%s%s", name, strings.Join(args, " "), stdout.String(), stderr.String())
	return stdout.String()
}
