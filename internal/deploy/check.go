package deploy

import (
	"context"
	"errors"
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Checker checks a stack once it is planned, in plan and again in apply on
// the fresh plan, before anything is applied: policies and external
// checkers (internal/stackcheck). It is the per-stack hook after planning.
type Checker interface {
	// Check returns the checks of the stack's planned stages, and the
	// values it masked in what the checks read, which the run masks in
	// everything it shows. A failed check (check.Fail) fails the stack; an
	// error means the checks could not run, and fails it too.
	Check(ctx context.Context, p StackPlan) (res check.Result, secrets []string, err error)
}

// StackPlan is a planned stack, as a Checker sees it.
type StackPlan struct {
	Command Command
	Stack   tier.Stack
	// Labels are the labels of the pull or merge request planned, or, for
	// an apply, of the one merged as the commit applied.
	Labels []string
	// Stages are the stack's planned stages, in the order they ran.
	Stages []StagePlan
	// Inventory is the inventory the stack was planned against (predicted
	// during plan); nil when the tier reads none.
	Inventory *inventory.Document
	// Predicted is the inventory change the plan predicts (the publishing
	// tier, plan only).
	Predicted *inventory.Change
}

// StagePlan is one planned stage and what its checks read.
type StagePlan struct {
	Result plan.Result
	// PlanJSON is the Terraform plan as `show -json` prints it; nil for a
	// Helm stage, or when the stage cannot tell it.
	PlanJSON []byte
	// Manifest is the Helm release as rendered by its plan; empty for a
	// Terraform stage.
	Manifest string
	// Release is the Helm release's configuration, expanded for the
	// environment; nil for a Terraform stage.
	Release *config.Release
}

// TerraformPlanJSON is what a TerraformStage that can be checked has: the
// JSON of its last plan (`show -json`). With a Checker, a planned stage
// without it fails the stack's checks rather than pass them unread.
type TerraformPlanJSON interface {
	PlanJSON() ([]byte, error)
}

// HelmManifest is what a HelmStage that can be checked has: the manifest
// its last plan rendered. With a Checker, a planned release without it
// fails the stack's checks.
type HelmManifest interface {
	Manifest() string
}

// check runs the Checker on a planned stack. A failed check, or a Checker
// that could not run, fails the stack with a *CheckError; the checks are
// kept on the outcome either way, for the report.
func (r *run) check(ctx context.Context, out *StackOutcome, st *stackStages, doc *inventory.Document) {
	if r.Checks == nil || out.Failed() {
		return
	}
	p := StackPlan{Command: r.cmd, Stack: out.Stack, Labels: r.labels, Inventory: doc, Predicted: out.Predicted}
	var errs []error
	for _, res := range out.Results {
		sp, err := st.stagePlan(res)
		errs = append(errs, err)
		p.Stages = append(p.Stages, sp)
	}
	if err := errors.Join(errs...); err != nil {
		out.Err = &CheckError{Err: err}
		return
	}
	res, secrets, err := r.Checks.Check(ctx, p)
	r.mask(secrets)
	out.Checks, out.checkSecrets = res, secrets
	switch {
	case err != nil:
		out.Err = &CheckError{Result: res, Err: err}
	case res.Denied():
		out.Err = &CheckError{Result: res}
	}
}

// stagePlan returns what the checks of a planned stage read. A stage that
// did not plan (failed or skipped) is passed as is: checkers skip it.
func (st *stackStages) stagePlan(res plan.Result) (StagePlan, error) {
	sp := StagePlan{Result: res}
	if res.Failed() || res.Skipped != "" {
		return sp, nil
	}
	switch res.Kind {
	case plan.Terraform:
		js, ok := st.terraform.(TerraformPlanJSON)
		if !ok {
			return sp, fmt.Errorf("the Terraform stage %s cannot tell its plan JSON", res.Name)
		}
		b, err := js.PlanJSON()
		if err != nil {
			return sp, fmt.Errorf("read the plan JSON of %s: %w", res.Name, err)
		}
		sp.PlanJSON = b
	case plan.Helm:
		rs := st.release(res.Name)
		rel := rs.release
		sp.Release = &rel
		m, ok := rs.stage.(HelmManifest)
		if !ok {
			return sp, fmt.Errorf("the Helm release %s cannot tell its rendered manifest", res.Name)
		}
		sp.Manifest = m.Manifest()
	}
	return sp, nil
}
