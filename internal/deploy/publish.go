package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Publication is what a run publishes, rendered (PlanPublication,
// ApplyPublication, DriftPublication).
type Publication struct {
	// Secrets are masked in the CI log before anything is printed.
	Secrets []string
	// Report is the full report: standard output and the report file.
	Report string
	// Summary is the job summary; empty writes none.
	Summary string
	// Terraform are the counts for GitLab's merge request widget.
	Terraform []TerraformReport
	// Outputs are the step outputs, in order.
	Outputs []Output
	// Comments are kept on pull or merge requests, in order.
	Comments []Comment
	// NoComment says why no comment is kept, when one would be.
	NoComment *Skip
	// Issues, when set, are the drift issues to keep.
	Issues *scm.IssueSync
}

// Output is one step output.
type Output struct{ Name, Value string }

// TerraformReport is one stack's counts for GitLab's Terraform report.
type TerraformReport struct {
	Stack  plan.Stack
	Counts runner.TerraformReport
}

// Comment is one comment kept on a pull or merge request.
type Comment struct {
	// Number is the pull or merge request; when 0, it is the one merged as
	// MergedAs, if any.
	Number   int
	MergedAs string
	Marker   string
	Body     string
	// OnlyUpdate updates an existing comment and creates none.
	OnlyUpdate  bool
	Environment string
}

// Runner is the CI runner as publishing uses it (internal/runner).
type Runner interface {
	AddMask(secret string) error
	AppendSummary(markdown string) (cut bool, err error)
	SetOutput(name, value string) error
}

// terraformReporter writes GitLab's Terraform report (runner.GitLab).
type terraformReporter interface {
	WriteTerraformReport(stack string, r runner.TerraformReport) (string, error)
}

// Publisher hands a publication to every place it goes, in one sequence:
// masks, standard output, the report file, the job summary, the outputs,
// then the comments or issues. Everything that needs no API is written
// before any API call, so a failing API never loses the report.
type Publisher struct {
	Runner Runner
	// Host is the platform's API; it is only called for comments and
	// issues.
	Host CodeHost
	// Stdout gets the report when Print is set.
	Stdout io.Writer
	// WriteFile writes the report file atomically.
	WriteFile func(path string, data []byte) error
	Log       *slog.Logger

	// Print writes the report to Stdout.
	Print bool
	// ReportFile is where the full report is written; empty writes none.
	ReportFile string
}

// Publish publishes pub. A failed comment or issue update is a
// *CommentError or *IssueError; the report was written by then.
func (p *Publisher) Publish(ctx context.Context, pub Publication) error {
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for _, s := range uniqueSecrets(pub.Secrets) {
		_ = p.Runner.AddMask(s)
	}
	if p.Print {
		if _, err := io.WriteString(p.Stdout, pub.Report); err != nil {
			return err
		}
	}
	if p.ReportFile != "" {
		if err := p.WriteFile(p.ReportFile, []byte(pub.Report)); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
		log.Info("report written", "file", p.ReportFile)
	}
	if pub.Summary != "" {
		if _, err := p.Runner.AppendSummary(pub.Summary); err != nil {
			log.Warn("could not write the job summary", "error", err)
		}
	}
	if tr, ok := p.Runner.(terraformReporter); ok {
		for _, t := range pub.Terraform {
			if _, err := tr.WriteTerraformReport(t.Stack.Tier+"."+t.Stack.Environment, t.Counts); err != nil {
				return fmt.Errorf("write the terraform report of %s: %w", t.Stack, err)
			}
		}
	}
	for _, o := range pub.Outputs {
		if err := p.Runner.SetOutput(o.Name, o.Value); err != nil {
			return fmt.Errorf("set output %s: %w", o.Name, err)
		}
	}
	if pub.NoComment != nil {
		log.Warn(pub.NoComment.String())
	}
	if err := p.comment(ctx, log, pub.Comments); err != nil {
		return &CommentError{Err: err}
	}
	if pub.Issues != nil {
		results, err := p.Host.SyncIssues(ctx, *pub.Issues)
		for _, r := range results {
			log.Info("drift issue", "outcome", string(r.Outcome), "url", r.URL)
		}
		if err != nil {
			return &IssueError{Err: err}
		}
	}
	return nil
}

// comment keeps the comments; an error of one environment does not stop
// the others.
func (p *Publisher) comment(ctx context.Context, log *slog.Logger, comments []Comment) error {
	merged := map[string]int{}
	var errs []error
	for _, c := range comments {
		number := c.Number
		if number == 0 {
			n, ok := merged[c.MergedAs]
			if !ok {
				var found bool
				var err error
				if n, found, err = p.Host.MergedChange(ctx, c.MergedAs); err != nil {
					return err
				}
				if !found {
					log.Info("no pull or merge request was merged as this commit; no apply comment", "commit", tier.Short(c.MergedAs))
				}
				merged[c.MergedAs] = n
			}
			if number = n; number == 0 {
				continue
			}
		}
		if c.OnlyUpdate {
			_, found, err := p.Host.FindComment(ctx, number, c.Marker)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", c.Environment, err))
				continue
			}
			if !found {
				continue
			}
		}
		res, err := p.Host.UpsertComment(ctx, number, c.Marker, c.Body)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.Environment, err))
			continue
		}
		log.Info("report comment", "environment", c.Environment, "number", number, "outcome", string(res.Outcome), "url", res.URL)
	}
	return errors.Join(errs...)
}

// uniqueSecrets returns the secrets sorted, without duplicates and empty
// values.
func uniqueSecrets(secrets []string) []string {
	out := slices.Clone(secrets)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}
