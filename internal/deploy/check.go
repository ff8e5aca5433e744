package deploy

import (
	"context"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Checker checks a stack once it is planned, in plan and again in apply on
// the fresh plan, before anything is applied: policies, external checkers.
// It is the per-stack hook point after planning.
type Checker interface {
	Check(ctx context.Context, p StackPlan) ([]Check, error)
}

// StackPlan is a planned stack, as a Checker sees it.
type StackPlan struct {
	Command Command
	Stack   tier.Stack
	// Results are the plans of the stack's stages.
	Results []plan.Result
	// Inventory is the inventory the stack was planned against (predicted
	// during plan); nil when the tier reads none.
	Inventory *inventory.Document
	// Predicted is the inventory change the plan predicts (the publishing
	// tier, plan only).
	Predicted *inventory.Change
}

// CheckStatus is how a check ended.
type CheckStatus string

// Check statuses.
const (
	CheckPassed CheckStatus = "pass"
	CheckWarned CheckStatus = "warn"
	// CheckFailed fails the stack: it is not applied.
	CheckFailed CheckStatus = "fail"
)

// Check is the result of one check of a stack.
type Check struct {
	Name    string
	Status  CheckStatus
	Message string
}

// check runs the Checker on a planned stack; a failed check, or a Checker
// that could not run, fails the stack.
func (r *run) check(ctx context.Context, out *StackOutcome, doc *inventory.Document) {
	if r.Checks == nil || out.Failed() {
		return
	}
	checks, err := r.Checks.Check(ctx, StackPlan{
		Command: r.cmd, Stack: out.Stack, Results: out.Results, Inventory: doc, Predicted: out.Predicted,
	})
	out.Checks = checks
	if err != nil {
		out.Err = &CheckError{Failed: []Check{{Name: "checks", Status: CheckFailed, Message: err.Error()}}}
		return
	}
	var failed []Check
	for _, c := range checks {
		if c.Status == CheckFailed {
			failed = append(failed, c)
		}
	}
	if len(failed) > 0 {
		out.Err = &CheckError{Failed: failed}
	}
}
