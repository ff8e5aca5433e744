package app

import (
	"context"
	"flag"

	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// DriftLabel marks the drift issues tierdeploy keeps.
const DriftLabel = deploy.DriftLabel

func runDrift(ctx context.Context, a *invocation) (result, error) {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	var tiers, envs listFlag
	fs.Var(&tiers, "tier", "only this `tier` (repeatable)")
	fs.Var(&envs, "environment", "only this `environment` (repeatable)")
	parallelism := new(int)
	registerParallelism(fs, parallelism, "check at most `n` stacks at once")
	reportFile := fs.String("report", "", "also write the summary to `file`")
	noIssues := fs.Bool("no-issues", false, "do not open, update or close drift issues")
	a.registerKubeContext(fs)
	if err := a.parse(fs, "drift [--tier T]... [--environment E]... [--parallelism N] [--no-issues] [--report FILE] [--kube-context CONTEXT]"); err != nil {
		return result{}, err
	}
	if _, err := a.stageSession(ctx); err != nil {
		return result{}, err
	}
	con := a.newConsole("drift")
	defer con.Close()
	cfg, err := a.loadConfig()
	if err != nil {
		return result{}, err
	}
	if _, err := a.reportPath(cfg, *reportFile); err != nil {
		return result{}, err
	}
	finder, err := dependencyFinder(cfg.Root)
	if err != nil {
		return result{}, err
	}
	sel, err := tier.Select(tier.Input{Config: cfg, All: true, Tiers: tiers, Environments: envs}, finder)
	if err != nil {
		return result{}, err
	}
	commit, head := a.commit(ctx, cfg, "HEAD")
	dr := &deploy.Drift{Stacks: sel.Stacks, Commit: commit, Head: head, Parallelism: *parallelism}
	for i := range dr.Stacks {
		dr.Stacks[i].Reasons = []tier.Reason{{Kind: tier.Scheduled}}
	}
	if a.deps.NewStore != nil && cfg.Publisher() != nil {
		store, err := a.deps.NewStore(ctx, cfg)
		if err != nil {
			return result{}, err
		}
		dr.Inventory = store
	}
	work, err := newWorkDir()
	if err != nil {
		return result{}, err
	}
	defer work.remove()
	dr.WorkDir, dr.PluginCacheDir = work.dir, a.pluginCache(work)

	if dr.Deps, err = a.flowDeps(cfg, con); err != nil {
		return result{}, err
	}
	out, err := dr.Run(ctx)
	con.Close()
	if err != nil {
		return result{}, err
	}
	res := result{outcome: out, changesExit: true}
	pubr, path, err := a.publisher(cfg, true, *reportFile)
	if err != nil {
		return res, err
	}
	pub, err := deploy.DriftPublication(out, a.view(cfg, dr.Commit, path, exitCode(res, nil)), !*noIssues)
	if err != nil {
		return res, err
	}
	return res, pubr.Publish(ctx, pub)
}
