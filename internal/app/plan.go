package app

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
)

// planOptions are the flags of plan.
type planOptions struct {
	sel              selectOptions
	reportFile       string
	detailedExitcode bool
	parallelism      int
}

func runPlan(ctx context.Context, a *invocation) (result, error) {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	var o planOptions
	o.sel.register(fs)
	fs.StringVar(&o.reportFile, "report", "", "write the report to `file` instead of standard output")
	fs.BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "exit 2 when any stack has changes")
	registerParallelism(fs, &o.parallelism, "plan at most `n` stacks at once")
	a.registerKubeContext(fs)
	if err := a.parse(fs, "plan [--tier T]... [--environment E]... [--base REV] [--head REV] [--all] [--report FILE] [--detailed-exitcode] [--parallelism N] [--kube-context CONTEXT]"); err != nil {
		return result{}, err
	}
	sess, err := a.stageSession(ctx)
	if err != nil {
		return result{}, err
	}
	con := a.newConsole("plan")
	defer con.Close()
	cfg, err := a.loadConfig()
	if err != nil {
		return result{}, err
	}
	if _, err := a.reportPath(cfg, o.reportFile); err != nil {
		return result{}, err
	}
	checks, err := a.checks(ctx, cfg)
	if err != nil {
		return result{}, err
	}
	d, err := a.detect(ctx, cfg, &o.sel)
	if err != nil {
		return result{}, err
	}
	if err := setSelectionOutputs(sess.runner, d.Selection); err != nil {
		return result{}, err
	}
	a.log.Info("stacks selected", "count", len(d.Selection.Stacks))
	commit, head := a.commit(ctx, cfg, d.Head)
	p := &deploy.Plan{Stacks: d.Selection.Stacks, Commit: commit, Head: head, Labels: sess.ev.Labels, Parallelism: o.parallelism}
	if sess.ev.Fork {
		a.log.Warn("the change comes from a fork: the inventory store is not read (it needs secrets); dependent tiers are planned against an empty inventory")
	} else if a.deps.NewStore != nil && len(p.Stacks) > 0 && cfg.Publisher() != nil {
		store, err := a.deps.NewStore(ctx, cfg)
		if err != nil {
			return result{}, err
		}
		p.Inventory = store
	}
	work, err := newWorkDir()
	if err != nil {
		return result{}, err
	}
	defer work.remove()
	p.WorkDir, p.PluginCacheDir = work.dir, a.pluginCache(work)

	if p.Deps, err = a.flowDeps(cfg, con); err != nil {
		return result{}, err
	}
	p.Checks = checks
	out, err := p.Run(ctx)
	con.Close()
	if err != nil {
		return result{}, err
	}
	res := result{outcome: out, changesExit: o.detailedExitcode}
	pubr, path, err := a.publisher(cfg, o.reportFile == "" || sess.ci(), o.reportFile)
	if err != nil {
		return res, err
	}
	pub, err := deploy.PlanPublication(out, a.view(cfg, p.Commit, path, exitCode(res, nil)), deploy.PlanComments{
		Number: sess.changeNumber(), Fork: sess.ev.Fork, Partial: len(o.sel.tiers) > 0, Environments: o.sel.envs,
	})
	if err != nil {
		return res, err
	}
	return res, pubr.Publish(ctx, pub)
}

// commit returns the commit the report is for: the head revision, or HEAD
// (marked when the working tree has changes); and its full hash, which
// set values' {commit} stands for (empty when it cannot be resolved).
func (a *invocation) commit(ctx context.Context, cfg *config.Config, head string) (report, sha string) {
	rev := head
	if rev == "" {
		rev = "HEAD"
	}
	out, err := a.deps.Git(cfg.Root).Git(ctx, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return rev, ""
	}
	sha = strings.TrimSpace(string(out))
	if head == "" {
		if st, err := a.deps.Git(cfg.Root).Git(ctx, "status", "--porcelain", "--untracked-files=normal", "--", "."); err == nil && len(strings.TrimSpace(string(st))) > 0 {
			return sha + " (with uncommitted changes)", sha
		}
	}
	return sha, sha
}

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
