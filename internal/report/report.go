package report

import (
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// Budgets, in characters as Length counts them (SummaryBudget in bytes).
// The platforms' limits are defined once, where they are enforced.
const (
	// GitHubBudget is the largest comment or issue body GitHub accepts.
	GitHubBudget = scm.GitHubBodyLimit
	// GitLabBudget is the largest note GitLab accepts.
	GitLabBudget = scm.GitLabBodyLimit
	// SummaryBudget is the largest GitHub job (step) summary, in bytes.
	SummaryBudget = runner.SummaryLimit
)

// Kind is what a report is about.
type Kind string

// Kinds of report.
const (
	KindPlan  Kind = "plan"
	KindApply Kind = "apply"
	KindDrift Kind = "drift"
)

// Input is everything a report shows.
type Input struct {
	// Kind is plan when empty.
	Kind        Kind
	Environment string
	Commit      string
	// Stacks are shown in this order (dependency order).
	Stacks    []StackReport
	Inventory *InventoryChange
	// Budget is the largest body allowed, in characters as Length counts
	// them; 0 means unlimited.
	Budget int
	// FullOutputHint says where the full output is when the body had to be
	// cut: words such as "the job summary", or a URL (shown as a link to the
	// job log). Empty means "the job log".
	FullOutputHint string
	// Secrets are masked everywhere, in addition to each Result's Secrets.
	Secrets []string
}

// StackReport is one stack (a tier in the environment) and its stages.
type StackReport struct {
	Stack plan.Stack
	// Reasons say why the stack is in the report, such as the changed paths
	// that affect it.
	Reasons []string
	Results []plan.Result
	// Skipped, when set, says why the stack was not planned ("infrastructure
	// failed").
	Skipped string
	// Tool names the Terraform or OpenTofu release the stack ran and why it
	// was chosen, for the footer: "OpenTofu 1.10.7 (~> 1.10.0 from
	// infra/versions.tf:3 (required_version))". Empty shows nothing.
	Tool string
	// Checks are the policies and checkers run on the stack's stages. A
	// failed check marks the stack denied (it is not applied); the table
	// gets a Checks column and the body a Checks section when any stack
	// has checks.
	Checks check.Result
}

// InventoryChange is the predicted (or, after apply, the actual) change to
// the environment's inventory.
type InventoryChange struct {
	Lines []InventoryLine
	// Skipped, when set, says why there is no prediction.
	Skipped string
}

// LineKind is how one inventory key changes.
type LineKind string

// Inventory line kinds.
const (
	Added   LineKind = "added"
	Removed LineKind = "removed"
	Changed LineKind = "changed"
	// Unknown means the new value is known only after apply.
	Unknown LineKind = "unknown"
)

// InventoryLine is one changed key of the inventory. Before and After are
// the values as JSON text.
type InventoryLine struct {
	Key           string
	Kind          LineKind
	Before, After string
	// Sensitive hides both values.
	Sensitive bool
}

// Rendered is a rendered body.
type Rendered struct {
	Body string
	// Cut says, one item each, what was shortened or left out to fit the
	// budget; empty when nothing was.
	Cut []string
	// Unmasked counts the secrets too short to be masked (see
	// redact.MinLen), for the caller to warn about.
	Unmasked int
}

// Render returns the comment body for in: its marker first (Marker, or
// ApplyMarker for an apply report), then a title with the overall result, the
// summary table, a section per stack with changes or failures, the inventory
// change, and a footer with the commit, the Terraform or OpenTofu release of
// each stack and the fingerprint of each stack (visible, and hidden for
// ParseFingerprints).
//
// The body holds no timings, run ids or dates, so the same Input renders the
// same bytes. It is at most in.Budget characters; when even the shortest form
// does not fit, Render returns a *BudgetError.
func Render(in Input) (Rendered, error) {
	m, err := newModel(in, false)
	if err != nil {
		return Rendered{}, err
	}
	marker := Marker(in.Environment)
	if m.kind == KindApply {
		marker = ApplyMarker(in.Environment)
	}
	return m.fit(layout{marker: marker, title: m.title(), sections: true, footer: true}, in.Budget, measure{})
}

// RenderSummary returns the job summary for in: the comment body's content
// without the marker, with the time each stage took. in.Budget is counted in
// bytes here (GitHub limits a step summary to SummaryBudget bytes); 0 means
// unlimited.
func RenderSummary(in Input) (Rendered, error) {
	m, err := newModel(in, true)
	if err != nil {
		return Rendered{}, err
	}
	return m.fit(layout{title: m.title(), sections: true, footer: true}, in.Budget, measure{bytes: true})
}

func checkKind(k Kind) (Kind, error) {
	switch k {
	case "":
		return KindPlan, nil
	case KindPlan, KindApply, KindDrift:
		return k, nil
	}
	return "", fmt.Errorf("render report: unknown kind %q", k)
}
