package deploy

import (
	"context"
	"errors"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// Plan plans stacks: each after the stacks it needs, a dependent stack
// against the inventory its publisher's plan predicts.
type Plan struct {
	Deps
	// Inventory reads the published inventories; nil reads none (a fork's
	// pull request, whose job has no secrets), and dependent tiers are
	// planned against an empty inventory.
	Inventory InventoryReader

	// Stacks are the stacks to plan, in dependency order.
	Stacks []tier.Stack
	// Commit is the commit planned, as the report names it.
	Commit string
	// Head is the full hash of the commit planned (the pull or merge
	// request's head), which {commit} in set values stands for; empty
	// means Commit.
	Head string
	// Parallelism is how many stacks are planned at once.
	Parallelism int
	// WorkDir holds the run's plan files and data directories, outside the
	// repository; the caller removes it.
	WorkDir string
	// PluginCacheDir is the provider plugin cache of every Terraform stage.
	PluginCacheDir string
}

// Run plans the stacks. A failed stack is in the outcome, with the stacks
// that need it skipped; independent stacks still run.
func (p *Plan) Run(ctx context.Context) (*Outcome, error) {
	if p.WorkDir == "" {
		return nil, errors.New("plan: no work directory")
	}
	r := newRun(p.Deps, CommandPlan, p.Commit, p.WorkDir, p.PluginCacheDir, p.Inventory)
	if p.Head != "" {
		r.head = p.Head
	}
	if err := r.checkStored(ctx, p.Stacks); err != nil {
		return nil, err
	}
	if err := r.chooseBinaries(ctx, p.Stacks); err != nil {
		return nil, err
	}
	r.begin(p.Stacks)
	start := r.now()
	outs := schedule(ctx, len(p.Stacks), prerequisites(p.Config, p.Stacks), p.Parallelism,
		func(ctx context.Context, i int, before []*StackOutcome) *StackOutcome {
			return r.planStack(ctx, p.Stacks[i], before)
		})
	r.log.Info("plan finished", "stacks", len(p.Stacks), "duration", r.now().Sub(start).Round(time.Millisecond))
	return &Outcome{Command: CommandPlan, Stacks: outs}, nil
}

// planStack plans one stack: its Terraform stage (with the inventory, for a
// tier that reads it), the inventory change it predicts (the publishing
// tier), its Helm releases in order, then its checks.
func (r *run) planStack(ctx context.Context, s tier.Stack, before []*StackOutcome) *StackOutcome {
	return r.do(ctx, s, before, func(ctx context.Context, out *StackOutcome) {
		t := r.Config.Tier(s.Tier)
		in, skip, err := r.planInventory(ctx, s, t, before)
		if err != nil || skip != nil {
			out.Err, out.Skip = err, skip
			return
		}
		st := r.stages(ctx, s, in)
		if st.hasTF {
			res := st.planTerraform(ctx, false)
			out.Results = append(out.Results, res)
			if res.Failed() {
				return
			}
			if t.PublishesInventory {
				if err := r.predict(ctx, out, t, res); err != nil {
					out.Err = err
					return
				}
			}
		}
		for _, rs := range st.releases {
			res := st.helmStep(ctx, rs, HelmStage.Plan)
			out.Results = append(out.Results, res)
			if res.Failed() {
				return // later releases may need this one
			}
		}
		r.check(ctx, out, in.inventory)
	})
}
