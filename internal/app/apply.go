package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// applyOptions are the flags of apply.
type applyOptions struct {
	sel             selectOptions
	requireReviewed bool
	parallelism     int
	reportFile      string
}

func runApply(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	var o applyOptions
	o.sel.register(fs)
	fs.BoolVar(&o.requireReviewed, "require-reviewed", false, "apply a stack only when its fresh plan is the plan reviewed on the merged pull or merge request")
	registerParallelism(fs, &o.parallelism, "apply at most `n` independent stacks at once")
	fs.StringVar(&o.reportFile, "report", "", "also write the report to `file`")
	if err := a.parse(fs, "apply [--tier T]... [--environment E]... [--base REV] [--head REV] [--all] [--require-reviewed] [--parallelism N]"); err != nil {
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
	if a.deps.NewStore == nil {
		return errors.New("no inventory store configured")
	}
	store, err := a.deps.NewStore(ctx, cfg)
	if err != nil {
		return err
	}
	envs := o.sel.envs
	if len(envs) == 0 {
		envs = cfg.EnvironmentNames()
	}
	for _, e := range envs {
		if cfg.Environment(e) == nil {
			return &tier.UnknownError{What: "environment", Name: e, Known: cfg.EnvironmentNames()}
		}
	}

	// One apply per environment at a time: the leases are held, and renewed,
	// for the whole run, and released even when it fails. A lost lease stops
	// the run (ctx is cancelled) and every write after it is refused.
	held, err := takeLeases(ctx, store, envs, holder(a.deps.Getenv), a.log)
	if err != nil {
		return err
	}
	defer held.release(context.WithoutCancel(ctx))
	reportCtx := ctx
	ctx, stopWatching := held.watch(ctx)
	defer stopWatching()

	head, err := a.headCommit(ctx, cfg, o.sel.head)
	if err != nil {
		return err
	}
	records := &applyRecords{store: store, leases: held, recs: map[string]*inventory.Applied{}}
	for _, e := range envs {
		rec, err := store.GetApplied(ctx, e)
		if err != nil {
			return fmt.Errorf("read the apply record of %s: %w", e, err)
		}
		records.recs[e] = rec
		for t, m := range rec.Interrupted() {
			a.log.Warn("the previous apply of this stack was interrupted; applying it again",
				"stack", t+"/"+e, "commit", m.Commit, "started", m.At.Format(time.RFC3339), "run", m.Run)
		}
	}
	stacks, err := a.applySelection(ctx, cfg, records, &o.sel, head)
	if err != nil {
		return err
	}
	a.log.Info("stacks to apply", "count", len(stacks))
	if err := setSelectionOutputs(sess.runner, tier.Selection{Stacks: stacks}); err != nil {
		return err
	}

	p, err := a.newPipeline(ctx, cfg, stacks)
	if err != nil {
		return err
	}
	defer p.close()
	p.store = store
	if err := p.checkStoredInventory(ctx, stacks); err != nil {
		return err
	}
	ap := &applier{pipeline: p, store: store, leases: held, records: records, commit: head, run: runLink(a), published: map[string]publication{}}
	if o.requireReviewed {
		if ap.reviewed, err = a.reviewedFingerprints(ctx, envs); err != nil {
			return err
		}
	}
	outcomes := schedule(ctx, stacks, prerequisites(cfg, stacks), o.parallelism,
		func(ctx context.Context, i int, before []*stackOutcome) *stackOutcome {
			return ap.applyStack(ctx, stacks[i], before)
		})
	published := a.publishApply(reportCtx, cfg, outcomes, head, o.reportFile)
	if err := held.lost(); err != nil {
		return err
	}
	if err := failedStacks(outcomes); err != nil {
		return err
	}
	return published
}

// headCommit resolves the commit being applied.
func (a *invocation) headCommit(ctx context.Context, cfg *config.Config, head string) (string, error) {
	rev := head
	if rev == "" && a.sess != nil && a.sess.ev.HeadSHA != "" {
		rev = a.sess.ev.HeadSHA
	}
	if rev == "" {
		rev = "HEAD"
	}
	out, err := a.deps.Git(cfg.Root).Git(ctx, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("resolve the commit to apply (%s): %w", rev, err)
	}
	return strings.TrimSpace(string(out)), nil
}

func runLink(a *invocation) string {
	if a.sess != nil && a.sess.ev.RunURL != "" {
		return a.sess.ev.RunURL
	}
	return holder(a.deps.Getenv)
}

// applier applies stacks.
type applier struct {
	*pipeline
	store   InventoryStore
	leases  *leases
	records *applyRecords
	commit  string
	run     string
	// reviewed holds the fingerprints of the reviewed plans by stack, when
	// --require-reviewed is set.
	reviewed map[string]string

	mu sync.Mutex
	// published holds the inventory published in this run, by environment.
	published map[string]publication
}

// applyStack plans a stack afresh, checks the plan against the reviewed one
// when asked, applies its stages in order and publishes the inventory when
// the tier owns it. The apply record says the stack started before anything
// is applied, and is finished only when everything succeeded.
func (ap *applier) applyStack(ctx context.Context, s tier.Stack, before []*stackOutcome) *stackOutcome {
	out := &stackOutcome{stack: s}
	t := ap.cfg.Tier(s.Tier)
	for _, b := range before {
		if b.failed() || strings.Contains(b.skipped, "failed") || strings.HasPrefix(b.skipped, "not applied: the plan changed") {
			out.skipped = fmt.Sprintf("not applied: it needs %s, which was not applied", b.stack.Key())
			return out
		}
	}
	if err := ctx.Err(); err != nil {
		out.skipped = "not applied: the run was interrupted"
		return out
	}
	start := time.Now()
	log := ap.log.With("stack", s.Key().String())
	log.Info("applying stack")
	defer func() {
		out.duration = time.Since(start)
		ap.logs.flush(s.Key(), "apply "+s.Key().String(), secretsOf(out.results))
		log.Info("stack done", "duration", out.duration.Round(time.Millisecond), "failed", out.failed(), "skipped", out.skipped)
	}()

	var doc *inventory.Document
	if consumesInventory(ap.cfg, t) {
		var err error
		if doc, err = ap.inventoryToApply(ctx, s, before); err != nil {
			out.results = append(out.results, failedResult(s, plan.Terraform, "inventory", err))
			return out
		}
		if doc == nil {
			out.skipped = "not applied: the inventory did not change"
			return out
		}
	}

	// Plan every stage first: the stack's fingerprint covers them all.
	var tf TerraformStage
	if t.Terraform != nil {
		stage, err := ap.terraformStage(s, t, doc)
		if err != nil {
			out.results = append(out.results, failedResult(s, plan.Terraform, config.Expand(t.Terraform.Dir, s.Environment), err))
			return out
		}
		tf = stage
		r, err := stage.Plan(ctx, false)
		if err != nil && r.Err == nil {
			r.Err = err
		}
		r.Stack = s.Key()
		out.results = append(out.results, r)
		if r.Failed() {
			return out
		}
	}
	releases := t.ReleaseOrder()
	for _, rel := range releases {
		r := ap.helmStep(ctx, s, rel, doc, nil, HelmStage.Plan)
		out.results = append(out.results, r)
		if r.Failed() {
			return out
		}
	}
	if ap.reviewed != nil {
		fresh := plan.StackFingerprint(out.results)
		want, ok := ap.reviewed[s.Key().String()]
		switch {
		case !ok:
			out.skipped = "not applied: the reviewed report has no plan for this stack (--require-reviewed)"
			return out
		case want != fresh:
			out.skipped = fmt.Sprintf("not applied: the plan changed since review (reviewed %s, now %s: %s)", want, fresh, summarize(out.results))
			return out
		}
	}
	if !out.hasChanges() && !t.PublishesInventory {
		ap.finish(ctx, s, out, 0)
		return out
	}

	if err := ap.records.update(ctx, s.Environment, func(r *inventory.Applied) {
		r.Start(s.Tier, inventory.ApplyMark{Commit: ap.commit, At: time.Now().UTC(), Run: ap.run})
	}); err != nil {
		out.results = append(out.results, failedResult(s, plan.Terraform, "apply record", err))
		return out
	}
	var version int64
	for i := range out.results {
		r := &out.results[i]
		var err error
		switch {
		case r.Kind == plan.Terraform:
			if r.HasChanges {
				log.Info("applying terraform", "dir", r.Name)
				err = tf.Apply(ctx)
				r.Err = err
			}
			if err == nil && t.PublishesInventory {
				var note string
				version, note, err = ap.publish(ctx, s, t, tf)
				if err != nil {
					out.results = append(out.results, failedResult(s, plan.Terraform, "inventory", err))
					r = &out.results[i]
				} else {
					r.Notes = append(r.Notes, note)
				}
			}
		case r.Kind == plan.Helm && r.HasChanges:
			log.Info("applying helm release", "release", r.Name)
			res := ap.helmStep(ctx, s, releaseNamed(releases, r.Name), doc, nil, HelmStage.Apply)
			*r = res
			err = res.Err
		}
		if err != nil {
			skipRest(out.results[i+1:])
			if ctx.Err() == nil {
				ap.abort(ctx, s)
			} // an interrupted apply keeps its started mark for the next run to report
			return out
		}
	}
	ap.finish(ctx, s, out, version)
	return out
}

// skipRest marks planned changes that were not applied because an earlier
// stage failed.
func skipRest(results []plan.Result) {
	for i := range results {
		if results[i].HasChanges && !results[i].Failed() {
			results[i].Skipped = "not applied: an earlier stage of the stack failed"
			results[i].HasChanges = false
		}
	}
}

func releaseNamed(rs []config.Release, name string) config.Release {
	for _, r := range rs {
		if r.Release == name {
			return r
		}
	}
	return config.Release{Release: name}
}

// summarize describes a stack's planned changes in a few words.
func summarize(results []plan.Result) string {
	var c plan.Counts
	for _, r := range results {
		c = c.Plus(r.Counts)
	}
	return fmt.Sprintf("+%d ~%d -%d", c.Add+c.Replace, c.Change, c.Destroy+c.Replace)
}

// abort clears the stack's started mark after a failure: the failure is
// reported; only a killed run leaves the mark behind.
func (ap *applier) abort(ctx context.Context, s tier.Stack) {
	if err := ap.records.update(ctx, s.Environment, func(r *inventory.Applied) { r.Abort(s.Tier) }); err != nil {
		ap.log.Warn("could not update the apply record", "stack", s.Key().String(), "error", err)
	}
}

// finish records the stack's successful apply at this commit.
func (ap *applier) finish(ctx context.Context, s tier.Stack, out *stackOutcome, version int64) {
	if out.failed() || out.skipped != "" {
		return
	}
	err := ap.records.update(ctx, s.Environment, func(r *inventory.Applied) {
		r.Finish(s.Tier, inventory.ApplyMark{Commit: ap.commit, At: time.Now().UTC(), Run: ap.run, InventoryVersion: version})
	})
	if err != nil {
		out.results = append(out.results, failedResult(s, plan.Terraform, "apply record", err))
	}
}

// failedStacks returns an error naming the failed stacks, or nil.
func failedStacks(outcomes []*stackOutcome) error {
	var failed []string
	for _, o := range outcomes {
		if o.failed() {
			failed = append(failed, o.stack.Key().String())
		}
	}
	if len(failed) > 0 {
		return &StacksFailedError{Stacks: failed, Total: len(outcomes), Input: firstInputError(outcomes)}
	}
	return nil
}
