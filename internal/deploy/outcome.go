package deploy

import (
	"slices"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Outcome is what a run of plan, apply or drift did. Failures of stacks are
// in it, not errors of Run: a run in which stacks fail still reports the
// others.
type Outcome struct {
	Command Command
	// Stacks are the selected stacks in dependency order.
	Stacks []*StackOutcome
	// NeverApplied are the stacks apply left out although they were never
	// applied: detection did not select them and no --tier named them.
	NeverApplied []plan.Stack
}

// Failed returns the stacks that failed.
func (o *Outcome) Failed() []plan.Stack {
	var out []plan.Stack
	for _, s := range o.Stacks {
		if s.Failed() {
			out = append(out, s.Stack.Key())
		}
	}
	return out
}

// HasChanges reports whether a stack has changes: planned (plan), applied
// (apply) or drift found (drift).
func (o *Outcome) HasChanges() bool {
	return slices.ContainsFunc(o.Stacks, (*StackOutcome).HasChanges)
}

// Err returns a *StacksFailedError naming the failed stacks, or nil.
func (o *Outcome) Err() error {
	failed := o.Failed()
	if len(failed) == 0 {
		return nil
	}
	names := make([]string, len(failed))
	for i, s := range failed {
		names[i] = s.String()
	}
	return &StacksFailedError{Stacks: names, Total: len(o.Stacks)}
}

// Secrets returns every secret the run learnt, to be masked in whatever it
// shows.
func (o *Outcome) Secrets() []string {
	var out []string
	for _, s := range o.Stacks {
		out = append(out, s.Secrets()...)
	}
	return out
}

// StackOutcome is what happened to one stack.
type StackOutcome struct {
	Stack tier.Stack
	// Results are its stages' results, in the order they ran.
	Results []plan.Result
	// Skip, when set, says why the stack did not run (or, for apply, why
	// its planned changes were not applied).
	Skip *Skip
	// Err is a failure outside the stages: reading or publishing the
	// inventory (*InventoryError), writing the apply record
	// (*RecordError), a failed check (*CheckError).
	Err error
	// Predicted is the inventory change the stack's plan predicts (the
	// tier that publishes the inventory, plan only).
	Predicted *inventory.Change
	// InventoryVersion is the inventory version the apply published.
	InventoryVersion int64
	// Checks are the results of the checks run after planning.
	Checks   []Check
	Duration time.Duration
	// Tool is the Terraform or OpenTofu release the stack's Terraform stage
	// ran and why it was chosen (Binary.Choice); empty when the stack has
	// no Terraform stage or did not get as far.
	Tool string

	// predictedOutputs are the plan's output changes, from which dependent
	// stacks' inventory is predicted.
	predictedOutputs []inventory.OutputChange
}

// Failed reports whether a stage or the bookkeeping around them failed.
func (o *StackOutcome) Failed() bool {
	return o.Err != nil || slices.ContainsFunc(o.Results, plan.Result.Failed)
}

// HasChanges reports whether a stage has changes.
func (o *StackOutcome) HasChanges() bool {
	return slices.ContainsFunc(o.Results, func(r plan.Result) bool { return r.HasChanges })
}

// Skipped reports whether the stack was skipped for reason.
func (o *StackOutcome) Skipped(reason SkipReason) bool {
	return o.Skip != nil && o.Skip.Reason == reason
}

// Counts sums the stages' counts.
func (o *StackOutcome) Counts() plan.Counts {
	var c plan.Counts
	for _, r := range o.Results {
		c = c.Plus(r.Counts)
	}
	return c
}

// Secrets returns the secrets the stack's stages learnt.
func (o *StackOutcome) Secrets() []string {
	var out []string
	for _, r := range o.Results {
		out = append(out, r.Secrets...)
	}
	return out
}

// Failure returns why the stack failed: the error of the first failed
// stage, else Err; nil when it did not fail.
func (o *StackOutcome) Failure() error {
	for _, r := range o.Results {
		if r.Err != nil {
			return r.Err
		}
	}
	return o.Err
}
