package deploy

import (
	"context"
	"errors"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Drift compares every stack's deployed state with its code, in parallel;
// it never applies anything.
type Drift struct {
	Deps
	// Inventory reads the published inventories; nil when no tier
	// publishes one.
	Inventory InventoryReader

	Stacks []tier.Stack
	// Commit is the commit checked, as the report names it; Head is its
	// full hash, which {commit} in set values stands for (empty means
	// Commit).
	Commit      string
	Head        string
	Parallelism int
	// WorkDir holds the run's plan files (the caller removes it);
	// PluginCacheDir is the provider plugin cache.
	WorkDir        string
	PluginCacheDir string
}

// Run checks the stacks. Drift checks of one environment do not depend on
// each other: every stack compares what is deployed with its own state.
func (d *Drift) Run(ctx context.Context) (*Outcome, error) {
	if d.WorkDir == "" {
		return nil, errors.New("drift: no work directory")
	}
	r := newRun(d.Deps, CommandDrift, d.Commit, d.WorkDir, d.PluginCacheDir, d.Inventory)
	if d.Head != "" {
		r.head = d.Head
	}
	if err := r.checkStored(ctx, d.Stacks); err != nil {
		return nil, err
	}
	if err := r.chooseBinaries(ctx, d.Stacks); err != nil {
		return nil, err
	}
	r.begin(d.Stacks)
	start := r.now()
	outs := schedule(ctx, len(d.Stacks), nil, d.Parallelism,
		func(ctx context.Context, i int, _ []*StackOutcome) *StackOutcome {
			return r.driftStack(ctx, d.Stacks[i])
		})
	r.log.Info("drift check finished", "stacks", len(d.Stacks), "duration", r.now().Sub(start).Round(time.Millisecond))
	return &Outcome{Command: CommandDrift, Stacks: outs}, nil
}

// driftStack compares a stack's deployed state with its code: Terraform
// drift (a refresh-only plan) apart from unapplied changes (a normal plan),
// the inventory against the outputs, and each Helm release's live objects.
func (r *run) driftStack(ctx context.Context, s tier.Stack) *StackOutcome {
	return r.do(ctx, s, nil, func(ctx context.Context, out *StackOutcome) {
		t := r.Config.Tier(s.Tier)
		var in stagesInput
		if r.Config.ConsumesInventory(t) {
			cur, err := r.inv.current(ctx, s.Environment)
			if err != nil {
				out.Err = err
				return
			}
			if cur == nil {
				cur = emptyInventory(s.Environment, r.Config.Publisher())
			}
			in.inventory = cur
		}
		st := r.stages(ctx, s, in)
		if st.hasTF {
			drift := st.planTerraform(ctx, true)
			out.Results = append(out.Results, drift)
			if drift.Failed() {
				return
			}
			full := st.planTerraform(ctx, false)
			if full.Failed() || (full.HasChanges && !drift.HasChanges) {
				full.Name = st.tfName + " (not applied yet)"
				full.Notes = append(full.Notes, "the code has changes that were never applied (a failed or skipped apply?)")
				out.Results = append(out.Results, full)
			}
			if t.PublishesInventory && !full.Failed() {
				out.Results = append(out.Results, r.inventoryDrift(ctx, s, t, st.terraform))
			}
		}
		for _, rs := range st.releases {
			out.Results = append(out.Results, st.helmStep(ctx, rs, HelmStage.Drift))
		}
	})
}
