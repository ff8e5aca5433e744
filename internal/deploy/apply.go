package deploy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Apply applies the stacks changed since their own last successful apply,
// in dependency order, under each environment's lease.
type Apply struct {
	Deps
	// Store keeps the inventories and the apply records.
	Store Store
	// Claims are the leases held on the environments applied: one apply of
	// an environment at a time, and no write after a lease is lost.
	Claims Claims
	// Host is the platform's API, read for --require-reviewed.
	Host CodeHost
	// Detector selects the stacks changed since a stack's last apply.
	Detector Detector

	// Environments are the environments applied (validated names).
	Environments []string
	// Tiers, when set, keeps only these tiers; a stack of a tier named here
	// that was never applied is applied.
	Tiers []string
	// All applies every selected stack, whatever its record says.
	All bool
	// Detected are the stacks detection selected for the change being
	// applied (with All, every stack).
	Detected []tier.Stack
	// Commit is the commit being applied.
	Commit string
	// RequireReviewed applies a stack only when its fresh plan is the plan
	// reviewed on the pull or merge request merged as ReviewedCommit.
	RequireReviewed bool
	ReviewedCommit  string
	// RunURL names this run in apply records.
	RunURL string
	// Parallelism is how many independent stacks are applied at once.
	Parallelism int
	// WorkDir holds the run's plan files (the caller removes it);
	// PluginCacheDir is the provider plugin cache.
	WorkDir        string
	PluginCacheDir string
}

// Run applies, under the leases of Claims. Errors are failures before any
// stack ran (the apply records, the selection, the reviewed plans); a
// failed stack is in the outcome.
func (a *Apply) Run(ctx context.Context) (*Outcome, error) {
	if a.WorkDir == "" || a.Store == nil || a.Claims == nil {
		return nil, errors.New("apply: no work directory, store or leases")
	}
	r := newRun(a.Deps, CommandApply, a.Commit, a.WorkDir, a.PluginCacheDir, a.Store)
	recs := &records{store: a.Store, claims: a.Claims, recs: map[string]*inventory.Applied{}}
	for _, e := range a.Environments {
		rec, err := a.Store.GetApplied(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("read the apply record of %s: %w", e, err)
		}
		recs.recs[e] = rec
		for t, m := range rec.Interrupted() {
			r.log.Warn("the previous apply of this stack was interrupted; applying it again",
				"stack", t+"/"+e, "commit", m.Commit, "started", m.At.Format(time.RFC3339), "run", m.Run)
		}
	}
	stacks, never, err := a.selectStacks(ctx, recs.recs)
	if err != nil {
		return nil, err
	}
	r.log.Info("stacks to apply", "count", len(stacks))
	if err := r.checkStored(ctx, stacks); err != nil {
		return nil, err
	}
	if err := r.chooseBinaries(ctx, stacks); err != nil {
		return nil, err
	}
	ap := &applier{run: r, store: a.Store, claims: a.Claims, records: recs, commit: a.Commit, runURL: a.RunURL, published: map[string]publication{}}
	if a.RequireReviewed {
		if ap.reviewed, err = a.reviewedFingerprints(ctx); err != nil {
			return nil, err
		}
	}
	r.begin(stacks)
	outs := schedule(ctx, len(stacks), prerequisites(a.Config, stacks), a.Parallelism,
		func(ctx context.Context, i int, before []*StackOutcome) *StackOutcome {
			return ap.applyStack(ctx, stacks[i], before)
		})
	return &Outcome{Command: CommandApply, Stacks: outs, NeverApplied: never}, nil
}

// applier applies stacks.
type applier struct {
	*run
	store   Store
	claims  Claims
	records *records
	commit  string
	runURL  string
	// reviewed holds the fingerprints of the reviewed plans by stack, with
	// --require-reviewed.
	reviewed map[string]string

	mu sync.Mutex
	// published holds the inventory published in this run, by environment.
	published map[string]publication
}

// publication is the inventory published in this run for an environment.
type publication struct {
	doc   *inventory.Document
	stack plan.Stack
	// written is false when the document was unchanged.
	written bool
}

// applyStack plans a stack afresh, checks the plan (checks, and against the
// reviewed one when asked), applies its stages in order and publishes the
// inventory when the tier owns it. The apply record says the stack started
// before anything is applied, and is finished only when everything
// succeeded.
func (ap *applier) applyStack(ctx context.Context, s tier.Stack, before []*StackOutcome) *StackOutcome {
	return ap.do(ctx, s, before, func(ctx context.Context, out *StackOutcome) {
		t := ap.Config.Tier(s.Tier)
		var in stagesInput
		if ap.Config.ConsumesInventory(t) {
			doc, skip, err := ap.inventoryToApply(ctx, s)
			if err != nil || skip != nil {
				out.Err, out.Skip = err, skip
				return
			}
			in.inventory = doc
		}
		st := ap.stages(ctx, s, in)
		// Plan every stage first: the stack's fingerprint covers them all.
		if st.hasTF {
			res := st.planTerraform(ctx, false)
			out.Results = append(out.Results, res)
			if res.Failed() {
				return
			}
		}
		for _, rs := range st.releases {
			res := st.helmStep(ctx, rs, HelmStage.Plan)
			out.Results = append(out.Results, res)
			if res.Failed() {
				return
			}
		}
		if ap.check(ctx, out, in.inventory); out.Failed() {
			return
		}
		if out.Skip = ap.review(out); out.Skip != nil {
			return
		}
		if !out.HasChanges() && !t.PublishesInventory {
			ap.finish(ctx, out)
			return
		}
		if err := ap.records.update(ctx, s.Environment, func(r *inventory.Applied) {
			r.Start(s.Tier, inventory.ApplyMark{Commit: ap.commit, At: ap.now().UTC(), Run: ap.runURL})
		}); err != nil {
			out.Err = err
			return
		}
		if ap.applyStages(ctx, out, t, st) {
			ap.finish(ctx, out)
		}
	})
}

// applyStages applies the planned stages in order, publishing the
// inventory after the Terraform stage of the tier that owns it. After a
// failure the later stages are not applied and the started mark is cleared;
// an interrupted apply keeps it for the next run to report.
func (ap *applier) applyStages(ctx context.Context, out *StackOutcome, t *config.Tier, st *stackStages) bool {
	log := ap.console.Logger(out.Stack.Key())
	for i := range out.Results {
		res := &out.Results[i]
		var err error
		switch {
		case res.Kind == plan.Terraform:
			if res.HasChanges {
				log.Info("applying terraform", "dir", res.Name)
				err = st.terraform.Apply(ctx)
				res.Err = err
			}
			if err == nil && t.PublishesInventory {
				var note string
				if out.InventoryVersion, note, err = ap.publish(ctx, out.Stack, t, st.terraform); err != nil {
					out.Err = err
				} else {
					res.Notes = append(res.Notes, note)
				}
			}
		case res.Kind == plan.Helm && res.HasChanges:
			log.Info("applying helm release", "release", res.Name)
			*res = st.helmStep(ctx, st.release(res.Name), HelmStage.Apply)
			err = res.Err
		}
		if err != nil {
			skipRest(out.Results[i+1:])
			if ctx.Err() == nil {
				ap.abort(ctx, out.Stack)
			}
			return false
		}
	}
	return true
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

// review compares the fresh plan with the reviewed one (--require-reviewed).
func (ap *applier) review(out *StackOutcome) *Skip {
	if ap.reviewed == nil {
		return nil
	}
	fresh := plan.StackFingerprint(out.Results)
	want, ok := ap.reviewed[out.Stack.Key().String()]
	switch {
	case !ok:
		return &Skip{Reason: NotReviewed, Command: CommandApply}
	case want != fresh:
		return &Skip{Reason: PlanChanged, Command: CommandApply, Reviewed: want, Planned: fresh, Changes: out.Counts()}
	}
	return nil
}

// inventoryToApply returns the inventory a consuming stack is applied with:
// the one published in this run, else the stored one. It returns a skip
// when the stack is selected only because the inventory might change and
// the publisher published no change.
func (ap *applier) inventoryToApply(ctx context.Context, s tier.Stack) (*inventory.Document, *Skip, error) {
	ap.mu.Lock()
	pub, ok := ap.published[s.Environment]
	ap.mu.Unlock()
	if ok {
		if !pub.written && tier.OnlyInventory(s.Reasons) {
			return nil, &Skip{Reason: InventoryUnchanged, Command: CommandApply, Stack: pub.stack}, nil
		}
		return pub.doc, nil, nil
	}
	cur, err := ap.inv.current(ctx, s.Environment)
	if err != nil {
		return nil, nil, err
	}
	if cur == nil {
		cur = emptyInventory(s.Environment, ap.Config.Publisher())
	}
	return cur, nil, nil
}

// publish builds the inventory from the tier's outputs and stores it.
func (ap *applier) publish(ctx context.Context, s tier.Stack, t *config.Tier, tf TerraformStage) (int64, string, error) {
	outs, err := tf.Outputs(ctx)
	if err != nil {
		return 0, "", &InventoryError{Environment: s.Environment, Op: "read the outputs", Err: err}
	}
	doc, err := inventory.Build(inventory.BuildInput{
		Environment: s.Environment, Tier: t.Name, Commit: ap.commit, Created: ap.now(),
		Outputs: outs, IncludeSensitive: t.SensitiveOutputs,
	})
	if err != nil {
		return 0, "", &InventoryError{Environment: s.Environment, Op: "build the inventory", Err: err}
	}
	res, err := ap.store.Put(ctx, ap.claims.Of(s.Environment), doc)
	if err != nil {
		return 0, "", &InventoryError{Environment: s.Environment, Op: "publish", Err: err}
	}
	ap.mu.Lock()
	ap.published[s.Environment] = publication{doc: doc, stack: s.Key(), written: res.Written}
	ap.mu.Unlock()
	if !res.Written {
		return res.Version.Number, fmt.Sprintf("inventory unchanged (version %d)", res.Version.Number), nil
	}
	return res.Version.Number, fmt.Sprintf("inventory version %d published", res.Version.Number), nil
}

// abort clears the stack's started mark after a failure: the failure is
// reported; only a killed run leaves the mark behind.
func (ap *applier) abort(ctx context.Context, s tier.Stack) {
	if err := ap.records.update(ctx, s.Environment, func(r *inventory.Applied) { r.Abort(s.Tier) }); err != nil {
		ap.log.Warn("could not update the apply record", "stack", s.Key().String(), "error", err)
	}
}

// finish records the stack's successful apply at this commit.
func (ap *applier) finish(ctx context.Context, out *StackOutcome) {
	if out.Failed() || out.Skip != nil {
		return
	}
	s := out.Stack
	if err := ap.records.update(ctx, s.Environment, func(r *inventory.Applied) {
		r.Finish(s.Tier, inventory.ApplyMark{Commit: ap.commit, At: ap.now().UTC(), Run: ap.runURL, InventoryVersion: out.InventoryVersion})
	}); err != nil {
		out.Err = err
	}
}

// records are the apply records of the environments being applied,
// written back after every change so an interrupted run leaves a trace.
type records struct {
	store  Store
	claims Claims
	mu     sync.Mutex
	recs   map[string]*inventory.Applied
}

// update changes an environment's record and writes it, even when the run
// is being interrupted.
func (r *records) update(ctx context.Context, env string, change func(*inventory.Applied)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := r.recs[env]
	change(rec)
	if err := r.store.PutApplied(context.WithoutCancel(ctx), r.claims.Of(env), rec); err != nil {
		return &RecordError{Environment: env, Err: err}
	}
	return nil
}
