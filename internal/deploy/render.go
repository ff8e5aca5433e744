package deploy

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// View says how an outcome is shown.
type View struct {
	// Environments are the configured environments, in order: one report
	// per environment.
	Environments []string
	// Commit is the commit the report is for.
	Commit string
	// CI is set on a CI platform: then there is a job summary, and comments
	// or issues.
	CI bool
	// Budget is the largest comment or issue body the platform accepts; 0
	// means no limit.
	Budget int
	// Hint says where the full report is when a body had to be cut.
	Hint string
	// ExitCode and ReportPath are the values of the exit-code and
	// report-path outputs.
	ExitCode   int
	ReportPath string
}

// PlanComments says where plan comments go.
type PlanComments struct {
	// Number is the pull or merge request planned; 0 when the run is not
	// for one.
	Number int
	// Fork and Partial (--tier) withhold the comments.
	Fork, Partial bool
	// Environments are the environments whose comments this run keeps
	// (--environment); empty means all. Another job keeps the others.
	Environments []string
}

// stepKind labels a failure outside the stages in a report.
const stepKind plan.Kind = "tierdeploy"

// stackReport is one stack as the report shows it. A failure outside the
// stages (Err) is shown as a row of its own, named for the step that
// failed ("inventory", "apply record", "checks").
func stackReport(o *StackOutcome) report.StackReport {
	sr := report.StackReport{Stack: o.Stack.Key(), Reasons: tier.Strings(o.Stack.Reasons), Results: o.Results, Tool: o.Tool}
	if o.Skip != nil {
		sr.Skipped = o.Skip.String()
	}
	if o.Err != nil {
		name := "tierdeploy"
		var step interface{ Step() string }
		if errors.As(o.Err, &step) {
			name = step.Step()
		}
		sr.Results = append(slices.Clone(o.Results), plan.Result{Stack: o.Stack.Key(), Kind: stepKind, Name: name, Err: o.Err})
	}
	return sr
}

// reportInput gathers one environment's stacks for a report.
func (o *Outcome) reportInput(env string, v View, kind report.Kind) report.Input {
	in := report.Input{Kind: kind, Environment: env, Commit: v.Commit}
	for _, s := range o.Stacks {
		if s.Stack.Environment != env {
			continue
		}
		in.Stacks = append(in.Stacks, stackReport(s))
		if s.Predicted != nil && kind == report.KindPlan {
			in.Inventory = inventoryLines(*s.Predicted)
		}
	}
	return in
}

// inventoryLines converts a predicted inventory change for the report.
func inventoryLines(c inventory.Change) *report.InventoryChange {
	ic := &report.InventoryChange{}
	add := func(kind report.LineKind, es []inventory.Entry) {
		for _, e := range es {
			ic.Lines = append(ic.Lines, report.InventoryLine{Key: e.Key, Kind: kind, Before: string(e.Before), After: string(e.After), Sensitive: e.Sensitive})
		}
	}
	add(report.Added, c.Added)
	add(report.Changed, c.Changed)
	add(report.Removed, c.Removed)
	add(report.Unknown, c.KnownAfterApply)
	return ic
}

// PlanPublication renders a plan: the full report (one per environment),
// the job summary with timings, the outputs, GitLab's Terraform reports and
// one comment per environment. An environment with no affected stack
// updates its comment, if an earlier push made one, to say so.
func PlanPublication(o *Outcome, v View, c PlanComments) (Publication, error) {
	pub := Publication{Secrets: o.Secrets(), NoComment: planNoComment(c)}
	var bodies, summaries []string
	for _, env := range v.Environments {
		in := o.reportInput(env, v, report.KindPlan)
		if len(in.Stacks) == 0 {
			if pub.NoComment == nil && c.Number > 0 && keep(c.Environments, env) {
				marker := scm.ReportMarker(env)
				pub.Comments = append(pub.Comments, Comment{Number: c.Number, Marker: marker, OnlyUpdate: true, Environment: env,
					Body: marker + "\n### ✅ No stack of `" + env + "` is affected by this change any more\n\n<sub>Commit <code>" + v.Commit + "</code></sub>\n"})
			}
			continue
		}
		r, err := report.Render(in)
		if err != nil {
			return Publication{}, fmt.Errorf("render the report of %s: %w", env, err)
		}
		bodies = append(bodies, r.Body)
		if v.CI {
			in.Budget = report.SummaryBudget / max(1, len(v.Environments))
			s, err := report.RenderSummary(in)
			if err != nil {
				return Publication{}, fmt.Errorf("render the job summary of %s: %w", env, err)
			}
			summaries = append(summaries, s.Body)
		}
		if pub.NoComment == nil && c.Number > 0 && keep(c.Environments, env) {
			in.Budget, in.FullOutputHint = v.Budget, v.Hint
			r, err := report.Render(in)
			if err != nil {
				return Publication{}, fmt.Errorf("render the comment of %s: %w", env, err)
			}
			pub.Comments = append(pub.Comments, Comment{Number: c.Number, Marker: scm.ReportMarker(env), Body: r.Body, Environment: env})
		}
	}
	pub.Report = strings.Join(bodies, "\n---\n\n")
	if len(bodies) == 0 {
		pub.Report = "No stack is affected by this change.\n"
	}
	if v.CI {
		pub.Summary = strings.Join(summaries, "\n")
		if len(summaries) == 0 {
			pub.Summary = "### tierdeploy\n\nNo stack is affected by this change.\n"
		}
	}
	pub.Terraform = terraformReports(o)
	pub.Outputs = []Output{
		{runner.OutputHasChanges, strconv.FormatBool(o.HasChanges())},
		{runner.OutputReportPath, v.ReportPath},
		{runner.OutputExitCode, strconv.Itoa(v.ExitCode)},
	}
	return pub, nil
}

// planNoComment says why a plan posts no comment, or nil.
func planNoComment(c PlanComments) *Skip {
	switch {
	case c.Number == 0:
		return nil
	case c.Partial:
		return &Skip{Reason: PartialSelection, Command: CommandPlan}
	case c.Fork:
		return &Skip{Reason: Fork, Command: CommandPlan}
	}
	return nil
}

// terraformReports sums the counts of every stack that planned Terraform,
// for GitLab's merge request widget.
func terraformReports(o *Outcome) []TerraformReport {
	var out []TerraformReport
	for _, s := range o.Stacks {
		var rep runner.TerraformReport
		seen := false
		for _, res := range s.Results {
			if res.Kind != plan.Terraform || res.Failed() {
				continue
			}
			seen = true
			c := res.Counts
			rep = rep.Add(runner.TerraformReport{Create: c.Add + c.Replace, Update: c.Change, Delete: c.Destroy + c.Replace})
		}
		if seen {
			out = append(out, TerraformReport{Stack: s.Stack.Key(), Counts: rep})
		}
	}
	return out
}

// ApplyPublication renders an apply: the report with timings (to standard
// output, the report file and the job summary), the outputs, and a short
// comment per environment on the pull or merge request merged as
// mergedAs ("" for none).
func ApplyPublication(o *Outcome, v View, mergedAs string) (Publication, error) {
	pub := Publication{Secrets: o.Secrets()}
	var bodies []string
	for _, env := range v.Environments {
		in := o.reportInput(env, v, report.KindApply)
		if len(in.Stacks) == 0 {
			continue
		}
		r, err := report.RenderSummary(in)
		if err != nil {
			return Publication{}, fmt.Errorf("render the apply report of %s: %w", env, err)
		}
		bodies = append(bodies, r.Body)
		if mergedAs != "" {
			in.Budget, in.FullOutputHint = v.Budget, v.Hint
			c, err := report.RenderSummary(in)
			if err != nil {
				return Publication{}, fmt.Errorf("render the apply comment of %s: %w", env, err)
			}
			marker := scm.ApplyMarker(env)
			pub.Comments = append(pub.Comments, Comment{MergedAs: mergedAs, Marker: marker, Body: marker + "\n" + c.Body, Environment: env})
		}
	}
	pub.Report = strings.Join(bodies, "\n---\n\n")
	if len(bodies) == 0 {
		pub.Report = nothingToApply(o)
	}
	if v.CI {
		pub.Summary = pub.Report
	}
	pub.Outputs = []Output{
		{runner.OutputHasChanges, strconv.FormatBool(o.HasChanges())},
		{runner.OutputReportPath, v.ReportPath},
		{runner.OutputExitCode, strconv.Itoa(v.ExitCode)},
	}
	return pub, nil
}

// nothingToApply says why an apply selected no stack, truthfully: stacks
// never applied were not compared with anything.
func nothingToApply(o *Outcome) string {
	if len(o.NeverApplied) == 0 {
		return "Nothing to apply: no stack changed since its last apply.\n"
	}
	names := make([]string, len(o.NeverApplied))
	for i, s := range o.NeverApplied {
		names[i] = s.String()
	}
	return fmt.Sprintf("Nothing to apply: no stack applied before changed since its last apply, and %d stack(s) were never applied "+
		"and not touched by this change (%s); apply them with --tier (and --environment) or --all.\n",
		len(names), strings.Join(names, ", "))
}

// DriftPublication renders a drift check: the summary of every stack (to
// standard output, the report file and the job summary), the outputs, and
// with issues one issue per drifting stack, closed once it is in sync.
func DriftPublication(o *Outcome, v View, issues bool) (Publication, error) {
	pub := Publication{Secrets: o.Secrets()}
	sync := &scm.IssueSync{Label: DriftLabel, ResolvedComment: "tierdeploy found this stack in sync again; closing."}
	var summaries []string
	drifted := false
	for _, env := range v.Environments {
		in := o.reportInput(env, v, report.KindDrift)
		if len(in.Stacks) == 0 {
			continue
		}
		in.Budget, in.FullOutputHint = v.Budget, v.Hint
		d, err := report.RenderDrift(in)
		if err != nil {
			return Publication{}, fmt.Errorf("render the drift report of %s: %w", env, err)
		}
		summaries = append(summaries, d.Summary.Body)
		for _, is := range d.Issues {
			drifted = true
			sync.Open = append(sync.Open, scm.IssueSpec{Marker: is.Marker, Title: is.Title, Body: is.Body})
		}
		for _, st := range d.InSync {
			sync.Resolved = append(sync.Resolved, scm.DriftMarker(st.Environment, st.Tier))
		}
	}
	pub.Report = strings.Join(summaries, "\n")
	if v.CI {
		pub.Summary = pub.Report
		if issues {
			pub.Issues = sync
		}
	}
	pub.Outputs = []Output{
		{runner.OutputDrift, strconv.FormatBool(drifted)},
		{runner.OutputReportPath, v.ReportPath},
		{runner.OutputExitCode, strconv.Itoa(v.ExitCode)},
	}
	return pub, nil
}

// DriftLabel marks the drift issues tierdeploy keeps.
const DriftLabel = "tierdeploy-drift"
