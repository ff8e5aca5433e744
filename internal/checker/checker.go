package checker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/config"
)

// Options configure a Runner: the checks of one tier.
type Options struct {
	// Root is the absolute repository root: the checkers' working
	// directory, and what relative command paths are relative to.
	Root string
	// Checks are the tier's checks.
	Checks []config.Check
	// Env is the environment the checkers start from, as KEY=VALUE (such
	// as os.Environ()); the platform's tokens are removed from it.
	Env []string
	// TempDir is where each stage's private directory is made; empty means
	// os.TempDir().
	TempDir string
	// MaxLines and MaxBytes bound the output kept of each run; zero means
	// DefaultMaxLines and DefaultMaxBytes.
	MaxLines, MaxBytes int
	// WaitDelay is how long a run's output is waited for after the command
	// exited (a child it left behind may hold it open); zero means 2s.
	WaitDelay time.Duration
}

// Runner runs a tier's checks on stages. It is safe for concurrent use:
// each Check has its own files.
type Runner struct {
	opts Options
	env  []string
}

// New returns a Runner for opts.
func New(opts Options) *Runner {
	if opts.MaxLines <= 0 {
		opts.MaxLines = DefaultMaxLines
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.WaitDelay <= 0 {
		opts.WaitDelay = 2 * time.Second
	}
	return &Runner{opts: opts, env: cleanEnv(opts.Env)}
}

// Check runs, one after the other, every check that runs on the input's
// stage kind, and returns one check.Check each. It returns an error only
// when the stage's files cannot be written or ctx ends; a checker that
// fails, times out or cannot start is a failing check.
func (r *Runner) Check(ctx context.Context, in checkinput.Input) (check.Result, error) {
	var todo []config.Check
	for _, c := range r.opts.Checks {
		if c.Runs(string(in.Kind)) {
			todo = append(todo, c)
		}
	}
	if len(todo) == 0 {
		return check.Result{}, nil
	}
	dir, files, err := r.writeFiles(in)
	if dir != "" {
		defer os.RemoveAll(dir)
	}
	if err != nil {
		return check.Result{}, fmt.Errorf("checks of %s: %w", in.Name, err)
	}
	env := append(slices.Clone(r.env),
		EnvStack+"="+in.Stack.String(),
		EnvTier+"="+in.Stack.Tier,
		EnvEnvironment+"="+in.Stack.Environment,
		EnvStage+"="+in.Name,
		EnvStageKind+"="+string(in.Kind),
	)
	for k, v := range files {
		env = append(env, k+"="+v)
	}
	var res check.Result
	for _, c := range todo {
		out, err := r.run(ctx, c, env, files)
		if err != nil {
			return check.Result{}, err
		}
		out.StageKind, out.Stage = in.Kind, in.Name
		res.Checks = append(res.Checks, out)
	}
	return res, nil
}

// writeFiles writes the stage's masked files into a new private
// directory and returns it and the files by environment variable.
func (r *Runner) writeFiles(in checkinput.Input) (string, map[string]string, error) {
	dir, err := os.MkdirTemp(r.opts.TempDir, "tierdeploy-check-")
	if err != nil {
		return "", nil, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return dir, nil, err
	}
	js, err := in.JSON()
	if err != nil {
		return dir, nil, err
	}
	files := map[string]string{EnvInput: filepath.Join(dir, "input.json")}
	contents := map[string][]byte{EnvInput: js}
	if p := in.PlanJSON(); p != nil {
		files[EnvPlanJSON] = filepath.Join(dir, "plan.json")
		contents[EnvPlanJSON] = p
	}
	if m := in.Manifests(); in.Kind == "helm" {
		files[EnvManifests] = filepath.Join(dir, "manifests.yaml")
		contents[EnvManifests] = m
	}
	for k, path := range files {
		if err := os.WriteFile(path, contents[k], 0o600); err != nil {
			return dir, nil, err
		}
	}
	return dir, files, nil
}

// placeholders map the argument placeholders to environment variables.
var placeholders = map[string]string{"{plan_json}": EnvPlanJSON, "{manifests}": EnvManifests, "{input}": EnvInput}

// argv returns the command with the placeholders replaced; a placeholder
// of a file the stage does not have becomes empty.
func argv(command []string, files map[string]string) []string {
	out := make([]string, len(command))
	for i, a := range command {
		for ph, env := range placeholders {
			a = strings.ReplaceAll(a, ph, files[env])
		}
		out[i] = a
	}
	return out
}

// run runs one check and maps its exit to a status.
func (r *Runner) run(ctx context.Context, c config.Check, env []string, files map[string]string) (check.Check, error) {
	res := check.Check{Kind: check.Command, Name: c.Name}
	timeout := c.CheckTimeout()
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := argv(c.Command, files)
	cmd := exec.CommandContext(runCtx, args[0], args[1:]...)
	cmd.Dir = r.opts.Root
	cmd.Env = env
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = r.opts.WaitDelay
	out := newBoundedOutput(r.opts.MaxLines, r.opts.MaxBytes)
	cmd.Stdout, cmd.Stderr = out, out

	start := time.Now()
	err := cmd.Start()
	if err == nil {
		err = cmd.Wait()
		_ = killGroup(cmd) // what it left running
	}
	res.Duration = time.Since(start)
	res.Output = out.result()

	if ctx.Err() != nil {
		return check.Check{}, ctx.Err()
	}
	fail := func(rule, msg string) {
		res.Status = check.Fail
		res.Findings = []check.Finding{{Status: check.Fail, Rule: rule, Message: msg}}
	}
	var exitErr *exec.ExitError
	switch {
	case runCtx.Err() != nil:
		fail("timeout", fmt.Sprintf("timed out after %s: the command and its children were killed", timeout))
	case err == nil:
		res.Status = check.Pass
	case errors.As(err, &exitErr):
		code := exitErr.ExitCode()
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			fail("signal", "killed by signal "+ws.Signal().String())
			break
		}
		rule := fmt.Sprintf("exit status %d", code)
		if slices.Contains(c.WarnExitCodes, code) {
			res.Status = check.Warn
			res.Findings = []check.Finding{{Status: check.Warn, Rule: rule, Message: "warned"}}
			break
		}
		fail(rule, "failed")
	case errors.Is(err, exec.ErrWaitDelay):
		res.Status = check.Pass // it exited 0; a child kept its output open
	default:
		fail("start", "could not run "+args[0]+": "+startError(err))
	}
	return res, nil
}

// startError words why a command did not start, without the paths of the
// machine.
func startError(err error) string {
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, os.ErrNotExist):
		return "not found (install it in the image, or give its path in the repository)"
	case errors.Is(err, os.ErrPermission):
		return "not executable (chmod +x)"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
