package deploy

import (
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Command is the flow a run belongs to.
type Command string

// Commands.
const (
	CommandPlan  Command = "plan"
	CommandApply Command = "apply"
	CommandDrift Command = "drift"
)

// done is the participle a skip message uses: "not planned", "not
// applied", "not checked".
func (c Command) done() string {
	switch c {
	case CommandApply:
		return "applied"
	case CommandDrift:
		return "checked"
	}
	return "planned"
}

// SkipReason is why a stack (or a comment) was left out. Code decides on the
// reason; the words of Skip.String are for people.
type SkipReason string

// Reasons to skip.
const (
	// PrerequisiteFailed: a stack this one needs failed (Stack).
	PrerequisiteFailed SkipReason = "prerequisite-failed"
	// PrerequisiteNotApplied: a stack this one needs was not applied
	// (Stack), for a reason other than an unchanged inventory.
	PrerequisiteNotApplied SkipReason = "prerequisite-not-applied"
	// PlanChanged: the fresh plan is not the reviewed one (Reviewed,
	// Planned, Changes); apply --require-reviewed.
	PlanChanged SkipReason = "plan-changed"
	// NotReviewed: the reviewed report has no plan of the stack; apply
	// --require-reviewed.
	NotReviewed SkipReason = "not-reviewed"
	// Interrupted: the run was stopped before the stack started.
	Interrupted SkipReason = "interrupted"
	// InventoryUnchanged: the stack was selected only because the inventory
	// might change, and it does not (Stack is the publishing stack).
	InventoryUnchanged SkipReason = "inventory-unchanged"
	// Fork: a pull request from a fork gets no comment (its token may not
	// write one).
	Fork SkipReason = "fork"
	// PartialSelection: --tier planned part of each environment; its report
	// would replace the environment's full comment.
	PartialSelection SkipReason = "partial-selection"
)

// Skip says why something was not done.
type Skip struct {
	Reason  SkipReason
	Command Command
	// Stack is the stack the reason names: the prerequisite, or the stack
	// that publishes the inventory.
	Stack plan.Stack
	// Reviewed and Planned are the fingerprints of the reviewed and the
	// fresh plan; Changes are the fresh plan's (PlanChanged).
	Reviewed, Planned string
	Changes           plan.Counts
}

// String says why, for people.
func (s *Skip) String() string {
	not := "not " + s.Command.done()
	switch s.Reason {
	case PrerequisiteFailed:
		return fmt.Sprintf("%s: it needs %s, which failed", not, s.Stack)
	case PrerequisiteNotApplied:
		return fmt.Sprintf("%s: it needs %s, which was not applied", not, s.Stack)
	case PlanChanged:
		c := s.Changes
		return fmt.Sprintf("%s: the plan changed since review (reviewed %s, now %s: +%d ~%d -%d)",
			not, s.Reviewed, s.Planned, c.Add+c.Replace, c.Change, c.Destroy+c.Replace)
	case NotReviewed:
		return not + ": the reviewed report has no plan for this stack (--require-reviewed)"
	case Interrupted:
		return not + ": the run was interrupted"
	case InventoryUnchanged:
		if s.Command == CommandPlan {
			return fmt.Sprintf("%s: the inventory does not change (%s plans no output change)", not, s.Stack)
		}
		return fmt.Sprintf("%s: the inventory did not change (%s published no change)", not, s.Stack)
	case Fork:
		return "not commenting: the change comes from a fork, whose token may not write comments; the report is in the job summary and log"
	case PartialSelection:
		return "not commenting: --tier plans only part of each environment; the report is in the job summary and log (fan out by --environment to keep one comment per environment)"
	}
	return not + ": " + string(s.Reason)
}
