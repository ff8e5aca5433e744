//go:build unix

package terraform

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fake returns a runner whose binary is this test binary in the given fake
// mode, and the environment that selects the mode.
func fake(t *testing.T, mode string, grace time.Duration) (execRunner, []string) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	return execRunner{binary: exe, grace: grace}, []string{fakeEnv + "=" + mode}
}

func TestExecRunner(t *testing.T) {
	tests := []struct {
		name string
		exit string
		want int
	}{
		{name: "success", exit: "0", want: 0},
		{name: "changes", exit: "2", want: 2},
		{name: "error", exit: "1", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, env := fake(t, "echo", time.Second)
			dir := t.TempDir()
			var stdout, stderr strings.Builder
			code, err := r.run(t.Context(), invocation{
				dir: dir, env: append(env, "FAKE_VALUE=passed", "FAKE_EXIT="+tt.exit),
				args: []string{"plan", "-out=x"}, stdout: &stdout, stderr: &stderr,
			})
			require.NoError(t, err)
			assert.Equal(t, tt.want, code)
			assert.Equal(t, "args=plan -out=x\ndir="+dir+"\nvalue=passed\nown-group=true\n", stdout.String())
			assert.Equal(t, "to stderr\n", stderr.String())
		})
	}
}

// TestExecRunnerInterrupts checks that a cancelled context sends SIGINT,
// not SIGKILL, and that the command is killed only after the grace period.
func TestExecRunnerInterrupts(t *testing.T) {
	tests := []struct {
		mode     string
		grace    time.Duration
		output   string
		state    string
		minTaken time.Duration
	}{
		{mode: "trap", grace: time.Minute, output: "ready\ngot SIGINT\n", state: "exit status 1"},
		{mode: "deaf", grace: 500 * time.Millisecond, output: "ready\n", state: "signal: killed", minTaken: 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			r, env := fake(t, tt.mode, tt.grace)
			ctx, cancel := context.WithCancel(t.Context())
			stdout := &syncBuffer{}
			var cancelled time.Time
			go func() {
				for !strings.Contains(stdout.String(), "ready") {
					time.Sleep(10 * time.Millisecond)
				}
				cancelled = time.Now()
				cancel()
			}()
			_, err := r.run(ctx, invocation{dir: t.TempDir(), env: env, stdout: stdout, stderr: stdout})
			took := time.Since(cancelled)
			require.ErrorIs(t, err, context.Canceled)
			assert.Contains(t, err.Error(), "interrupted (it ended with "+tt.state+")")
			assert.Equal(t, tt.output, stdout.String())
			assert.GreaterOrEqual(t, took, tt.minTaken)
			assert.Less(t, took, 30*time.Second)
		})
	}
}

func TestExecRunnerNotStarted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := execRunner{binary: "/bin/true"}.run(ctx, invocation{})
	require.ErrorIs(t, err, context.Canceled)

	code, err := execRunner{binary: "/nonexistent/tofu"}.run(t.Context(), invocation{dir: t.TempDir()})
	require.Error(t, err)
	assert.Equal(t, -1, code)
}
