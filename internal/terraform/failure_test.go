package terraform

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanFails(t *testing.T) { forEachProduct(t, testPlanFails) }

func testPlanFails(t *testing.T, bin string) {
	tests := []struct {
		config string
		want   []string
	}{
		{config: "failing", want: []string{"main.tf:2: Reference to undeclared resource", `"terraform_data" "missing"`}},
		{config: "precondition", want: []string{"main.tf:", "Resource precondition failed", "The cluster takes at most 2 replicas."}},
	}
	for _, tt := range tests {
		t.Run(tt.config, func(t *testing.T) {
			s, _ := newStage(t, bin, copyConfig(t, tt.config), nil)
			r, err := s.Plan(t.Context(), PlanOptions{})
			require.Error(t, err)
			assert.Equal(t, err, r.Err)
			assert.False(t, r.HasChanges)
			assert.Empty(t, s.PlanFile())
			var ce *CommandError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, 1, ce.ExitCode)
			assert.Equal(t, "plan", ce.Command)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "terraform plan "+tt.config+": exit status 1: "), err.Error())
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestInitFails(t *testing.T) { forEachProduct(t, testInitFails) }

func testInitFails(t *testing.T, bin string) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`module "m" { source = "./nowhere" }`), 0o644))
	s, _ := newStage(t, bin, dir, nil)
	_, err := s.Plan(t.Context(), PlanOptions{})
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "init", ce.Command)
	assert.Contains(t, err.Error(), ": init: exit status 1: ")
	assert.Contains(t, ce.Output(), "nowhere")
}

// startLockHolder applies testdata/slow in dir with the binary directly, as
// another job would, and returns once it holds the state lock. The apply
// sleeps for sleep.
func startLockHolder(t *testing.T, bin, dir string, env []string, sleep int) <-chan error {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, "apply", "-input=false", "-auto-approve", "-no-color",
		"-var=revision="+time.Now().Format("150405.000"), "-var=sleep="+strconv.Itoa(sleep))
	cmd.Dir = dir
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Executing") },
		2*time.Minute, 50*time.Millisecond, "the apply did not start its provisioner:\n%s", out)
	return done
}

func TestStateLock(t *testing.T) { forEachProduct(t, testStateLock) }

func testStateLock(t *testing.T, bin string) {
	dir := copyConfig(t, "slow")
	env := tofuEnv(t)
	tofuRaw(t, bin, dir, env, "init", "-input=false", "-no-color")

	held := startLockHolder(t, bin, dir, env, 15)
	s, _ := newStage(t, bin, dir, func(o *Options) { o.Env = env })
	_, err := s.Plan(t.Context(), PlanOptions{})
	var le *LockError
	require.ErrorAs(t, err, &le, "%v", err)
	assert.NotEmpty(t, le.Info.ID)
	assert.NotEmpty(t, le.Info.Who)
	assert.Equal(t, "OperationTypeApply", le.Info.Operation)
	assert.Equal(t, "terraform.tfstate", le.Info.Path)
	assert.Contains(t, err.Error(), "the state is locked by "+le.Info.Who+" (OperationTypeApply, since ")
	assert.Contains(t, err.Error(), "force-unlock "+le.Info.ID)
	var ce *CommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "plan", ce.Command)

	// With a lock timeout, the plan waits for the apply to finish.
	waiting, _ := newStage(t, bin, dir, func(o *Options) { o.Env = env; o.LockTimeout = 2 * time.Minute })
	r, err := waiting.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	require.NoError(t, <-held)
	assert.True(t, r.HasChanges, "the plan did not see the state the apply wrote")
}

// TestApplyInterrupted cancels an apply in the middle: the binary gets SIGINT,
// stops its provisioner, writes the state and releases the lock.
func TestApplyInterrupted(t *testing.T) { forEachProduct(t, testApplyInterrupted) }

func testApplyInterrupted(t *testing.T, bin string) {
	dir := copyConfig(t, "slow")
	vars := writeVars(t, dir, "slow.tfvars", "revision = 2\nsleep = 120\n")
	s, logs := newStage(t, bin, dir, func(o *Options) {
		o.VarFiles = []string{vars}
		o.GracePeriod = time.Minute
	})
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	require.True(t, r.HasChanges)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Apply(ctx, s.PlanFile()) }()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "Executing") },
		2*time.Minute, 50*time.Millisecond)
	cancelled := time.Now()
	cancel()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("apply did not stop within a minute of the interrupt")
	}
	took := time.Since(cancelled)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, took, 30*time.Second, "the command was not interrupted but waited out")
	assert.Contains(t, logs.String(), "Interrupt received", "the binary did not get SIGINT")
	assert.NotContains(t, err.Error(), "signal: killed")

	// The lock was released: another plan gets it at once.
	after, _ := newStage(t, bin, dir, func(o *Options) { o.VarFiles = []string{vars} })
	_, err = after.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
}

func TestApplyMissingPlanFile(t *testing.T) {
	s, err := New(Options{Binary: "/nonexistent/tofu", Dir: t.TempDir(), WorkDir: t.TempDir()})
	require.NoError(t, err)
	err = s.Apply(t.Context(), filepath.Join(t.TempDir(), "none.tfplan"))
	require.ErrorIs(t, err, ErrNoPlanFile)
}
