package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// planOptions are the flags of plan.
type planOptions struct {
	sel              selectOptions
	reportFile       string
	detailedExitcode bool
	parallelism      int
}

func runPlan(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	var o planOptions
	o.sel.register(fs)
	fs.StringVar(&o.reportFile, "report", "", "write the report to `file` instead of standard output")
	fs.BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "exit 2 when any stack has changes")
	registerParallelism(fs, &o.parallelism, "plan at most `n` stacks at once")
	if err := a.parse(fs, "plan [--tier T]... [--environment E]... [--base REV] [--head REV] [--all] [--report FILE] [--detailed-exitcode] [--parallelism N]"); err != nil {
		return err
	}
	sess, err := a.stageSession(ctx)
	if err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	d, err := a.detect(ctx, cfg, &o.sel)
	if err != nil {
		return err
	}
	if err := setSelectionOutputs(sess.runner, d.Selection); err != nil {
		return err
	}
	stacks := d.Selection.Stacks
	a.log.Info("stacks selected", "count", len(stacks))

	p, err := a.newPipeline(ctx, cfg, stacks)
	if err != nil {
		return err
	}
	defer p.close()
	if sess.ev.Fork {
		a.log.Warn("the change comes from a fork: the inventory store is not read (it needs secrets); dependent tiers are planned against an empty inventory")
	} else if a.deps.NewStore != nil && len(stacks) > 0 && cfg.Publisher() != nil {
		store, err := a.deps.NewStore(ctx, cfg)
		if err != nil {
			return err
		}
		p.store = store
	}
	if err := p.checkStoredInventory(ctx, stacks); err != nil {
		return err
	}

	start := time.Now()
	outcomes := schedule(ctx, stacks, prerequisites(cfg, stacks), o.parallelism,
		func(ctx context.Context, i int, before []*stackOutcome) *stackOutcome {
			return p.planStack(ctx, stacks[i], before)
		})
	a.log.Info("plan finished", "stacks", len(stacks), "duration", time.Since(start).Round(time.Millisecond))

	commit := a.commit(ctx, cfg, d.Head)
	failed := a.planOutcome(outcomes, o.detailedExitcode)
	published := a.publishPlan(ctx, cfg, outcomes, commit, o.reportFile, &o.sel)
	if failed != nil {
		return failed
	}
	return published
}

// planStack plans one stack after its prerequisites: its Terraform stage
// (with the inventory, for a tier that reads it), then its Helm releases.
func (p *pipeline) planStack(ctx context.Context, s tier.Stack, before []*stackOutcome) *stackOutcome {
	out := &stackOutcome{stack: s}
	t := p.cfg.Tier(s.Tier)
	for _, b := range before {
		if b.failed() {
			out.skipped = fmt.Sprintf("not planned: it needs %s, which failed", b.stack.Key())
			return out
		}
	}
	if err := ctx.Err(); err != nil {
		out.skipped = "not planned: the run was interrupted"
		return out
	}
	start := time.Now()
	log := p.log.With("stack", s.Key().String())
	log.Info("planning stack", "reasons", len(s.Reasons))
	defer func() {
		out.duration = time.Since(start)
		p.logs.flush(s.Key(), "plan "+s.Key().String(), secretsOf(out.results))
		log.Info("stack planned", "duration", out.duration.Round(time.Millisecond), "changes", out.hasChanges(), "failed", out.failed())
	}()

	var doc *inventory.Document
	var unknown []string
	if consumesInventory(p.cfg, t) {
		var skip string
		var err error
		doc, unknown, skip, err = p.inventoryFor(ctx, s, before)
		if err != nil {
			out.results = append(out.results, failedResult(s, plan.Terraform, "inventory", err))
			return out
		}
		if skip != "" {
			out.skipped = skip
			return out
		}
	}
	if t.Terraform != nil {
		r := p.planTerraform(ctx, s, t, doc)
		out.results = append(out.results, r)
		if r.Failed() {
			return out
		}
		if t.PublishesInventory {
			current, err := p.current(ctx, s.Environment)
			if err != nil {
				out.results = append(out.results, failedResult(s, plan.Terraform, "inventory", err))
				return out
			}
			out.predictedOutputs = toInventoryChanges(r.Outputs)
			c := inventory.Predict(current, out.predictedOutputs, t.SensitiveOutputs)
			out.predicted = &c
		}
	}
	for _, rel := range t.ReleaseOrder() {
		r := p.helmStep(ctx, s, rel, doc, unknown, HelmStage.Plan)
		out.results = append(out.results, r)
		if r.Failed() {
			break // later releases may need this one
		}
	}
	return out
}

// planTerraform plans a stack's Terraform stage; a failure is in the Result.
func (p *pipeline) planTerraform(ctx context.Context, s tier.Stack, t *config.Tier, doc *inventory.Document) plan.Result {
	stage, err := p.terraformStage(s, t, doc)
	if err != nil {
		return failedResult(s, plan.Terraform, config.Expand(t.Terraform.Dir, s.Environment), err)
	}
	r, err := stage.Plan(ctx, false)
	if err != nil && r.Err == nil {
		r.Err = err
	}
	if r.Stack == (plan.Stack{}) {
		r.Stack = s.Key()
	}
	return r
}

func failedResult(s tier.Stack, kind plan.Kind, name string, err error) plan.Result {
	return plan.Result{Stack: s.Key(), Kind: kind, Name: name, Err: err}
}

// renderPlanReports renders one report per environment, in configuration
// order, joined by a rule.
func renderPlanReports(cfg *config.Config, outcomes []*stackOutcome, commit string, budget int) (string, error) {
	var bodies []string
	for _, env := range cfg.EnvironmentNames() {
		in := planReportInput(env, outcomes, commit, budget)
		if len(in.Stacks) == 0 {
			continue
		}
		r, err := report.Render(in)
		if err != nil {
			return "", fmt.Errorf("render the report of %s: %w", env, err)
		}
		bodies = append(bodies, r.Body)
	}
	if len(bodies) == 0 {
		return "No stack is affected by this change.\n", nil
	}
	return strings.Join(bodies, "\n---\n\n"), nil
}

// planReportInput gathers one environment's outcomes for the report.
func planReportInput(env string, outcomes []*stackOutcome, commit string, budget int) report.Input {
	in := report.Input{Kind: report.KindPlan, Environment: env, Commit: commit, Budget: budget}
	for _, o := range outcomes {
		if o.stack.Environment != env {
			continue
		}
		in.Stacks = append(in.Stacks, report.StackReport{Stack: o.stack.Key(), Reasons: o.stack.Reasons, Results: o.results, Skipped: o.skipped})
		if o.predicted != nil {
			in.Inventory = inventoryLines(*o.predicted)
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

// commit returns the commit the report is for: the head revision, or HEAD
// (marked when the working tree has changes).
func (a *invocation) commit(ctx context.Context, cfg *config.Config, head string) string {
	rev := head
	if rev == "" {
		rev = "HEAD"
	}
	out, err := a.deps.Git(cfg.Root).Git(ctx, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return rev
	}
	sha := strings.TrimSpace(string(out))
	if head == "" {
		if st, err := a.deps.Git(cfg.Root).Git(ctx, "status", "--porcelain", "--untracked-files=normal", "--", "."); err == nil && len(strings.TrimSpace(string(st))) > 0 {
			return sha + " (with uncommitted changes)"
		}
	}
	return sha
}

// writeReport writes the report to file, or to standard output.
func (a *invocation) writeReport(file, body string) error {
	if file == "" {
		_, err := fmt.Fprint(a.deps.Stdout, body)
		return err
	}
	dir, err := a.workDir()
	if err != nil {
		return err
	}
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	if err := writeFileAtomic(file, []byte(body), 0o644); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	a.log.Info("report written", "file", file)
	return nil
}

// planOutcome turns the outcomes into the command's result: an error naming
// the failed stacks, or exit code 2 for changes with --detailed-exitcode.
func (a *invocation) planOutcome(outcomes []*stackOutcome, detailed bool) error {
	if err := failedStacks(outcomes); err != nil {
		return err
	}
	if detailed && slices.ContainsFunc(outcomes, (*stackOutcome).hasChanges) {
		a.code = ExitChanges
	}
	return nil
}

// StacksFailedError means some stacks failed; their errors are in the report.
type StacksFailedError struct {
	Stacks []string
	Total  int
	// Input is the first failure caused by bad input (see badInput), such
	// as an invalid inventory document; nil when none was. It makes the
	// exit code 3 and is named in the message.
	Input error
}

func (e *StacksFailedError) Error() string {
	s := fmt.Sprintf("%d of %d stacks failed: %s (the report shows why)", len(e.Stacks), e.Total, strings.Join(e.Stacks, ", "))
	if e.Input != nil {
		s += "; bad input: " + e.Input.Error()
	}
	return s
}

// Unwrap returns the bad input that made a stack fail, if any.
func (e *StacksFailedError) Unwrap() error { return e.Input }

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so readers never see a partial file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
