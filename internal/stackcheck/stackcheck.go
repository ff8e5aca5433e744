package stackcheck

import (
	"context"
	"fmt"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checker"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/policy"
)

// Options configure a Runner, one per run.
type Options struct {
	Config *config.Config
	// Env is the environment checkers start from (os.Environ()); the
	// platform's tokens are removed from it.
	Env []string
	// TempDir holds the checkers' private files; empty means os.TempDir().
	TempDir string
	// PolicyTimeout bounds the policies of one stage; zero means
	// policy.DefaultTimeout.
	PolicyTimeout time.Duration
}

// Runner checks planned stacks. Policies are compiled once per run (per
// distinct list of directories) and shared; it is safe for concurrent use.
type Runner struct {
	opts Options
	lib  *policy.Library
}

// New returns a Runner for opts.
func New(opts Options) *Runner {
	return &Runner{opts: opts, lib: policy.NewLibrary(opts.Config.Root, opts.PolicyTimeout)}
}

// Prepare compiles the policies of every tier in every environment, so that
// a bad policy stops the run before anything is planned (and validate
// reports it): the first *policy.Error (errors.Is policy.ErrInvalid). The
// compiled policies are kept for Check.
func (r *Runner) Prepare(ctx context.Context) error {
	c := r.opts.Config
	for i := range c.Tiers {
		for _, env := range c.EnvironmentNames() {
			if _, err := r.lib.Evaluator(ctx, c.Tiers[i].PolicyDirs(env)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Stage is one planned stage and what its checks read.
type Stage struct {
	Result plan.Result
	// PlanJSON is the plan's `show -json` (a Terraform stage).
	PlanJSON []byte
	// Manifest is the rendered release (a Helm stage; helm.Stage.Manifest).
	Manifest string
	// Release is the Helm release's configuration, expanded for the
	// environment.
	Release *config.Release
}

// Stack is a planned stack.
type Stack struct {
	Stack plan.Stack
	// Command is "plan" or "apply".
	Command string
	Reasons []string
	// Labels are the pull or merge request's labels (for an apply, those
	// of the merged one).
	Labels    []string
	Inventory *inventory.Document
	Predicted *inventory.Change
	Stages    []Stage
}

// Check runs the tier's policies and checkers on every stage that planned
// (failed and skipped stages are not checked) and returns their checks in
// stage order. Secrets lists the values masked in the inputs, for the
// report's masker. An error means the checks could not run: bad policies
// (errors.Is policy.ErrInvalid: bad input), a bad plan JSON or manifest,
// the context ending; the stack must then fail too.
func (r *Runner) Check(ctx context.Context, s Stack) (res check.Result, secrets []string, err error) {
	t := r.opts.Config.Tier(s.Stack.Tier)
	if t == nil {
		return check.Result{}, nil, fmt.Errorf("checks of %s: tier %q is not configured", s.Stack, s.Stack.Tier)
	}
	if len(t.Policies) == 0 && len(t.Checks) == 0 {
		return check.Result{}, nil, nil
	}
	eval, err := r.lib.Evaluator(ctx, t.PolicyDirs(s.Stack.Environment))
	if err != nil {
		return check.Result{}, nil, err
	}
	run := checker.New(checker.Options{Root: r.opts.Config.Root, Checks: t.Checks, Env: r.opts.Env, TempDir: r.opts.TempDir})
	for _, st := range s.Stages {
		if st.Result.Failed() || st.Result.Skipped != "" {
			continue
		}
		in, err := input(s, st)
		if err != nil {
			return check.Result{}, nil, fmt.Errorf("checks of %s %s: %w", s.Stack, st.Result.Name, err)
		}
		secrets = append(secrets, in.Secrets...)
		pr, err := eval.Check(ctx, in)
		if err != nil {
			return check.Result{}, nil, err
		}
		cr, err := run.Check(ctx, in)
		if err != nil {
			return check.Result{}, nil, err
		}
		res = check.Merge(res, pr, cr)
	}
	return res, secrets, nil
}

// input builds a stage's input.
func input(s Stack, st Stage) (checkinput.Input, error) {
	cs := checkinput.Stage{Stack: s.Stack, Name: st.Result.Name, Command: s.Command, Reasons: s.Reasons,
		Labels: s.Labels, Inventory: s.Inventory, InventoryChange: s.Predicted, Secrets: st.Result.Secrets}
	switch st.Result.Kind {
	case plan.Terraform:
		return checkinput.Terraform(st.PlanJSON, cs)
	case plan.Helm:
		rel := checkinput.Release{Name: st.Result.Name}
		if r := st.Release; r != nil {
			rel = checkinput.Release{Name: r.Release, Namespace: r.Namespace, Chart: r.Chart, Repo: r.Repo,
				Version: r.Version, Values: r.Values, InventoryValues: r.InventoryValues}
		}
		return checkinput.Helm(st.Manifest, rel, cs)
	}
	return checkinput.Input{}, fmt.Errorf("unknown stage kind %q", st.Result.Kind)
}
