package app

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// DriftLabel marks the drift issues tierdeploy keeps.
const DriftLabel = "tierdeploy-drift"

func runDrift(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	var tiers, envs listFlag
	fs.Var(&tiers, "tier", "only this `tier` (repeatable)")
	fs.Var(&envs, "environment", "only this `environment` (repeatable)")
	parallelism := new(int)
	registerParallelism(fs, parallelism, "check at most `n` stacks at once")
	reportFile := fs.String("report", "", "also write the summary to `file`")
	noIssues := fs.Bool("no-issues", false, "do not open, update or close drift issues")
	if err := a.parse(fs, "drift [--tier T]... [--environment E]... [--parallelism N] [--no-issues]"); err != nil {
		return err
	}
	if _, err := a.stageSession(ctx); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	sel, err := tier.Select(tier.Input{Config: cfg, All: true, Tiers: tiers, Environments: envs}, deps.New(os.DirFS(cfg.Root)))
	if err != nil {
		return err
	}
	stacks := sel.Stacks
	for i := range stacks {
		stacks[i].Reasons = []string{"scheduled drift check"}
	}
	p, err := a.newPipeline(ctx, cfg, stacks)
	if err != nil {
		return err
	}
	defer p.close()
	if a.deps.NewStore != nil && cfg.Publisher() != nil {
		if p.store, err = a.deps.NewStore(ctx, cfg); err != nil {
			return err
		}
	}
	if err := p.checkStoredInventory(ctx, stacks); err != nil {
		return err
	}
	start := time.Now()
	// Drift checks of one environment do not depend on each other: every
	// stack compares what is deployed with its own state.
	outcomes := schedule(ctx, stacks, make([][]int, len(stacks)), *parallelism,
		func(ctx context.Context, i int, _ []*stackOutcome) *stackOutcome {
			return p.driftStack(ctx, stacks[i])
		})
	a.log.Info("drift check finished", "stacks", len(stacks), "duration", time.Since(start).Round(time.Millisecond))
	drifted, err := a.publishDrift(ctx, cfg, outcomes, *reportFile, !*noIssues)
	if ferr := failedStacks(outcomes); ferr != nil {
		return ferr
	}
	if err != nil {
		return err
	}
	if drifted {
		a.code = ExitChanges
	}
	return nil
}

// driftStack compares a stack's deployed state with its code: Terraform
// drift (a refresh-only plan) apart from unapplied changes (a normal plan),
// the inventory against the outputs, and each Helm release's live objects.
// It never applies anything.
func (p *pipeline) driftStack(ctx context.Context, s tier.Stack) *stackOutcome {
	out := &stackOutcome{stack: s}
	t := p.cfg.Tier(s.Tier)
	start := time.Now()
	log := p.log.With("stack", s.Key().String())
	log.Info("checking drift")
	defer func() {
		out.duration = time.Since(start)
		p.logs.flush(s.Key(), "drift "+s.Key().String(), secretsOf(out.results))
		log.Info("drift checked", "duration", out.duration.Round(time.Millisecond), "drift", out.hasChanges(), "failed", out.failed())
	}()
	var doc *inventory.Document
	if consumesInventory(p.cfg, t) {
		cur, err := p.current(ctx, s.Environment)
		if err != nil {
			out.results = append(out.results, failedResult(s, plan.Terraform, "inventory", err))
			return out
		}
		doc = cur
		if doc == nil {
			doc = &inventory.Document{Schema: inventory.SchemaV1, Environment: s.Environment}
		}
	}
	if t.Terraform != nil {
		name := config.Expand(t.Terraform.Dir, s.Environment)
		stage, err := p.terraformStage(s, t, doc)
		if err != nil {
			out.results = append(out.results, failedResult(s, plan.Terraform, name, err))
			return out
		}
		drift, err := stage.Plan(ctx, true)
		if err != nil && drift.Err == nil {
			drift.Err = err
		}
		drift.Stack = s.Key()
		out.results = append(out.results, drift)
		if drift.Failed() {
			return out
		}
		full, err := stage.Plan(ctx, false)
		if err != nil && full.Err == nil {
			full.Err = err
		}
		full.Stack = s.Key()
		if full.Failed() || (full.HasChanges && !drift.HasChanges) {
			full.Name = name + " (not applied yet)"
			full.Notes = append(full.Notes, "the code has changes that were never applied (a failed or skipped apply?)")
			out.results = append(out.results, full)
		}
		if t.PublishesInventory && !full.Failed() {
			out.results = append(out.results, p.inventoryDrift(ctx, s, t, stage))
		}
	}
	for _, rel := range t.ReleaseOrder() {
		out.results = append(out.results, p.helmStep(ctx, s, rel, doc, nil, HelmStage.Drift))
	}
	return out
}

// inventoryDrift compares the stored inventory with what the tier's current
// outputs would publish.
func (p *pipeline) inventoryDrift(ctx context.Context, s tier.Stack, t *config.Tier, stage TerraformStage) plan.Result {
	r := plan.Result{Stack: s.Key(), Kind: plan.Terraform, Name: "inventory"}
	outs, err := stage.Outputs(ctx)
	if err != nil {
		r.Err = fmt.Errorf("read the outputs: %w", err)
		return r
	}
	fresh, err := inventory.Build(inventory.BuildInput{Environment: s.Environment, Tier: t.Name, Created: time.Now(), Outputs: outs, IncludeSensitive: t.SensitiveOutputs})
	if err != nil {
		r.Err = err
		return r
	}
	stored, err := p.current(ctx, s.Environment)
	if err != nil {
		r.Err = err
		return r
	}
	if stored != nil && stored.SameContent(fresh) {
		return r
	}
	c := inventory.Diff(stored, fresh)
	r.HasChanges = true
	r.Diff = c.Text(inventory.RenderOptions{})
	r.Notes = append(r.Notes, "the stored inventory differs from the current outputs: "+c.Summary())
	// Every form of every secret of both, not only top-level strings.
	r.Secrets = append(inventory.SensitiveLeaves(fresh), inventory.SensitiveLeaves(stored)...)
	r.Fingerprint = plan.Fingerprint(plan.Terraform, c.Keys())
	return r
}

// publishDrift reports the drift check: the summary to standard output, the
// job summary and --report FILE, the outputs, and one issue per drifted
// stack (closed once the stack is back in sync). It reports whether any
// stack drifted.
func (a *invocation) publishDrift(ctx context.Context, cfg *config.Config, outcomes []*stackOutcome, reportFile string, issues bool) (bool, error) {
	s := a.sess
	addMasks(s.runner, outcomes)
	var summaries []string
	var sync scm.IssueSync
	sync.Label = DriftLabel
	sync.ResolvedComment = "tierdeploy found this stack in sync again; closing."
	drifted := false
	commit := a.commit(ctx, cfg, "HEAD")
	for _, env := range cfg.EnvironmentNames() {
		in := planReportInput(env, outcomes, "", 0)
		in.Kind = report.KindDrift
		in.Inventory = nil
		if len(in.Stacks) == 0 {
			continue
		}
		in.Commit = commit
		in.Budget = s.budget()
		in.FullOutputHint = fullOutputHint(s.ev)
		d, err := report.RenderDrift(in)
		if err != nil {
			return false, fmt.Errorf("render the drift report of %s: %w", env, err)
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
	full := strings.Join(summaries, "\n")
	if _, err := fmt.Fprint(a.deps.Stdout, full); err != nil {
		return drifted, err
	}
	if reportFile != "" {
		if err := a.writeReport(reportFile, full); err != nil {
			return drifted, err
		}
	}
	if s.ci() {
		if _, err := s.runner.AppendSummary(full); err != nil {
			a.log.Warn("could not write the job summary", "error", err)
		}
	}
	for name, value := range map[string]string{
		runner.OutputDrift:    strconv.FormatBool(drifted),
		runner.OutputExitCode: strconv.Itoa(map[bool]int{true: ExitChanges, false: ExitOK}[drifted]),
	} {
		if err := s.runner.SetOutput(name, value); err != nil {
			return drifted, fmt.Errorf("set output %s: %w", name, err)
		}
	}
	if !issues || !s.ci() {
		return drifted, nil
	}
	host, err := s.codeHost(ctx)
	if err != nil {
		return drifted, &IssueError{Err: err}
	}
	results, err := host.SyncIssues(ctx, sync)
	for _, r := range results {
		a.log.Info("drift issue", "outcome", string(r.Outcome), "url", r.URL)
	}
	if err != nil {
		return drifted, &IssueError{Err: err}
	}
	return drifted, nil
}

// IssueError means the drift issues could not be kept up to date; the
// drift report is in the job summary and log nonetheless.
type IssueError struct {
	Err error
}

func (e *IssueError) Error() string {
	return fmt.Sprintf("the drift issues were not updated (the report is in the job summary and log): %v", e.Err)
}

func (e *IssueError) Unwrap() error { return e.Err }
