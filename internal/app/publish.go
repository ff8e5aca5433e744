package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// publishPlan hands the plan's report to every place it goes: the full
// report to standard output (or --report FILE) and to the report file the
// CI job keeps, the job summary, the step outputs, and one comment per
// environment on the pull or merge request. The report is written to the
// summary and the log before any API call, so a failing API never loses it.
func (a *invocation) publishPlan(ctx context.Context, cfg *config.Config, outcomes []*stackOutcome, commit, reportFile string, sel *selectOptions) error {
	s := a.sess
	addMasks(s.runner, outcomes)
	full, err := renderPlanReports(cfg, outcomes, commit, 0)
	if err != nil {
		return err
	}
	path := reportFile
	if path == "" {
		path = s.reportPath(a.deps.Getenv)
	}
	if reportFile == "" || s.ci() {
		if _, err := fmt.Fprint(a.deps.Stdout, full); err != nil {
			return err
		}
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		if err := a.writeReport(path, full); err != nil {
			return err
		}
	}
	if err := a.writeSummary(cfg, outcomes, commit); err != nil {
		return err
	}
	if err := writeTerraformReports(s.runner, outcomes); err != nil {
		return err
	}
	changes := false
	for _, o := range outcomes {
		changes = changes || o.hasChanges()
	}
	for name, value := range map[string]string{
		runner.OutputHasChanges: strconv.FormatBool(changes),
		runner.OutputReportPath: s.outputPath(path, a.deps.Getenv),
		runner.OutputExitCode:   strconv.Itoa(a.planExitCode(outcomes)),
	} {
		if err := s.runner.SetOutput(name, value); err != nil {
			return fmt.Errorf("set output %s: %w", name, err)
		}
	}
	return a.comment(ctx, cfg, outcomes, commit, sel)
}

// terraformReporter writes GitLab's Terraform report for the merge request
// widget (runner.GitLab).
type terraformReporter interface {
	WriteTerraformReport(stack string, r runner.TerraformReport) (string, error)
}

// writeTerraformReports writes one Terraform report per stack that planned
// Terraform, when the runner takes them.
func writeTerraformReports(r CIRunner, outcomes []*stackOutcome) error {
	tr, ok := r.(terraformReporter)
	if !ok {
		return nil
	}
	for _, o := range outcomes {
		var rep runner.TerraformReport
		seen := false
		for _, res := range o.results {
			if res.Kind != plan.Terraform || res.Failed() {
				continue
			}
			seen = true
			c := res.Counts
			rep = rep.Add(runner.TerraformReport{Create: c.Add + c.Replace, Update: c.Change, Delete: c.Destroy + c.Replace})
		}
		if !seen {
			continue
		}
		if _, err := tr.WriteTerraformReport(o.stack.Tier+"."+o.stack.Environment, rep); err != nil {
			return fmt.Errorf("write the terraform report of %s: %w", o.stack.Key(), err)
		}
	}
	return nil
}

// planExitCode is the exit code the plan will end with, for the output.
func (a *invocation) planExitCode(outcomes []*stackOutcome) int {
	for _, o := range outcomes {
		if o.failed() {
			return ExitFailed
		}
	}
	return a.code
}

// writeSummary appends the job summary: the reports with the time each
// stage took.
func (a *invocation) writeSummary(cfg *config.Config, outcomes []*stackOutcome, commit string) error {
	if !a.sess.ci() {
		return nil
	}
	var parts []string
	for _, env := range cfg.EnvironmentNames() {
		in := planReportInput(env, outcomes, commit, 0)
		if len(in.Stacks) == 0 {
			continue
		}
		in.Budget = report.SummaryBudget / max(1, len(cfg.Environments))
		r, err := report.RenderSummary(in)
		if err != nil {
			return fmt.Errorf("render the job summary of %s: %w", env, err)
		}
		parts = append(parts, r.Body)
	}
	if len(parts) == 0 {
		parts = append(parts, "### tierdeploy\n\nNo stack is affected by this change.\n")
	}
	if _, err := a.sess.runner.AppendSummary(strings.Join(parts, "\n")); err != nil {
		a.log.Warn("could not write the job summary", "error", err)
	}
	return nil
}

// comment keeps one report comment per environment on the pull or merge
// request. An environment with no affected stack updates its comment (if
// there is one from an earlier push) to say so, and creates none.
func (a *invocation) comment(ctx context.Context, cfg *config.Config, outcomes []*stackOutcome, commit string, sel *selectOptions) error {
	s := a.sess
	if !s.ev.IsChange() {
		return nil
	}
	if len(sel.tiers) > 0 {
		// A report of some tiers would replace the environment's full one.
		a.log.Warn("not commenting: --tier plans only part of each environment; the report is in the job summary and log (fan out by --environment to keep one comment per environment)")
		return nil
	}
	if s.ev.Fork {
		a.log.Warn("not commenting: the change comes from a fork, whose token may not write comments; the report is in the job summary and log")
		return nil
	}
	host, err := s.codeHost(ctx)
	if err != nil {
		return &CommentError{Err: err}
	}
	var errs []error
	for _, env := range cfg.EnvironmentNames() {
		if !keep(sel.envs, env) {
			continue // another job's environment: leave its comment alone
		}
		marker := scm.ReportMarker(env)
		in := planReportInput(env, outcomes, commit, s.budget())
		in.FullOutputHint = fullOutputHint(s.ev)
		var body string
		if len(in.Stacks) == 0 {
			_, found, err := host.FindComment(ctx, s.ev.Number, marker)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
				continue
			}
			if !found {
				continue
			}
			body = marker + "\n### ✅ No stack of `" + env + "` is affected by this change any more\n\n<sub>Commit <code>" + commit + "</code></sub>\n"
		} else {
			r, err := report.Render(in)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
				continue
			}
			body = r.Body
		}
		res, err := host.UpsertComment(ctx, s.ev.Number, marker, body)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", env, err))
			continue
		}
		a.log.Info("report comment", "environment", env, "outcome", string(res.Outcome), "url", res.URL)
	}
	if len(errs) > 0 {
		return &CommentError{Err: errors.Join(errs...)}
	}
	return nil
}

// fullOutputHint says where the full report is when a comment had to be cut.
func fullOutputHint(ev event.Event) string {
	if ev.RunURL != "" {
		return ev.RunURL
	}
	return "the job summary"
}

// CommentError means the report could not be posted; it is in the job
// summary and log nonetheless.
type CommentError struct {
	Err error
}

func (e *CommentError) Error() string {
	return fmt.Sprintf("the report was not posted on the pull or merge request (it is in the job summary and log): %v", e.Err)
}

func (e *CommentError) Unwrap() error { return e.Err }

// publishApply reports an apply: the report to standard output (and
// --report FILE), the job summary, the outputs, and a short comment on the
// pull or merge request merged as the applied commit.
func (a *invocation) publishApply(ctx context.Context, cfg *config.Config, outcomes []*stackOutcome, commit, reportFile string) error {
	s := a.sess
	addMasks(s.runner, outcomes)
	var bodies []string
	for _, env := range cfg.EnvironmentNames() {
		in := applyReportInput(env, outcomes, commit)
		if len(in.Stacks) == 0 {
			continue
		}
		r, err := report.RenderSummary(in)
		if err != nil {
			return fmt.Errorf("render the apply report of %s: %w", env, err)
		}
		bodies = append(bodies, r.Body)
	}
	full := strings.Join(bodies, "\n---\n\n")
	if len(bodies) == 0 {
		full = "Nothing to apply: no stack changed since its last apply.\n"
	}
	if _, err := fmt.Fprint(a.deps.Stdout, full); err != nil {
		return err
	}
	path := reportFile
	if path == "" {
		path = s.reportPath(a.deps.Getenv)
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		if err := a.writeReport(path, full); err != nil {
			return err
		}
	}
	if s.ci() {
		if _, err := s.runner.AppendSummary(full); err != nil {
			a.log.Warn("could not write the job summary", "error", err)
		}
	}
	applied := false
	for _, o := range outcomes {
		applied = applied || o.hasChanges()
	}
	code := ExitOK
	if failedStacks(outcomes) != nil {
		code = ExitFailed
	}
	for name, value := range map[string]string{
		runner.OutputHasChanges: strconv.FormatBool(applied),
		runner.OutputReportPath: s.outputPath(path, a.deps.Getenv),
		runner.OutputExitCode:   strconv.Itoa(code),
	} {
		if err := s.runner.SetOutput(name, value); err != nil {
			return fmt.Errorf("set output %s: %w", name, err)
		}
	}
	return a.commentApply(ctx, cfg, outcomes, commit)
}

// applyReportInput gathers one environment's apply outcomes.
func applyReportInput(env string, outcomes []*stackOutcome, commit string) report.Input {
	in := planReportInput(env, outcomes, commit, 0)
	in.Kind = report.KindApply
	in.Inventory = nil
	return in
}

// commentApply posts the short apply report on the pull or merge request
// merged as the applied commit, when there is one.
func (a *invocation) commentApply(ctx context.Context, cfg *config.Config, outcomes []*stackOutcome, commit string) error {
	s := a.sess
	if s.ev.Kind != event.KindPush || len(outcomes) == 0 {
		return nil
	}
	host, err := s.codeHost(ctx)
	if err != nil {
		return &CommentError{Err: err}
	}
	number, found, err := host.MergedChange(ctx, commit)
	if err != nil {
		return &CommentError{Err: err}
	}
	if !found {
		a.log.Info("no pull or merge request was merged as this commit; no apply comment", "commit", short(commit))
		return nil
	}
	var errs []error
	for _, env := range cfg.EnvironmentNames() {
		in := applyReportInput(env, outcomes, commit)
		if len(in.Stacks) == 0 {
			continue
		}
		in.Budget = s.budget()
		in.FullOutputHint = fullOutputHint(s.ev)
		r, err := report.RenderSummary(in)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		marker := scm.ApplyMarker(env)
		res, err := host.UpsertComment(ctx, number, marker, marker+"\n"+r.Body)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", env, err))
			continue
		}
		a.log.Info("apply comment", "environment", env, "number", number, "outcome", string(res.Outcome), "url", res.URL)
	}
	if len(errs) > 0 {
		return &CommentError{Err: errors.Join(errs...)}
	}
	return nil
}
