package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// applyOptions are the flags of apply.
type applyOptions struct {
	sel             selectOptions
	requireReviewed bool
	parallelism     int
	reportFile      string
}

func runApply(ctx context.Context, a *invocation) (result, error) {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	var o applyOptions
	o.sel.register(fs)
	fs.BoolVar(&o.requireReviewed, "require-reviewed", false, "apply a stack only when its fresh plan is the plan reviewed on the merged pull or merge request")
	registerParallelism(fs, &o.parallelism, "apply at most `n` independent stacks at once")
	fs.StringVar(&o.reportFile, "report", "", "also write the report to `file`")
	a.registerKubeContext(fs)
	if err := a.parse(fs, "apply [--tier T]... [--environment E]... [--base REV] [--head REV] [--all] [--require-reviewed] [--parallelism N] [--report FILE] [--kube-context CONTEXT]"); err != nil {
		return result{}, err
	}
	sess, err := a.stageSession(ctx)
	if err != nil {
		return result{}, err
	}
	con := a.newConsole("apply")
	defer con.Close()
	cfg, err := a.loadConfig()
	if err != nil {
		return result{}, err
	}
	if _, err := a.reportPath(cfg, o.reportFile); err != nil {
		return result{}, err
	}
	if a.deps.NewStore == nil {
		return result{}, errors.New("no inventory store configured")
	}
	envs := []string(o.sel.envs)
	if len(envs) == 0 {
		envs = cfg.EnvironmentNames()
	}
	for _, e := range envs {
		if cfg.Environment(e) == nil {
			return result{}, &tier.UnknownError{What: "environment", Name: e, Known: cfg.EnvironmentNames()}
		}
	}
	if o.requireReviewed && (!sess.ci() || sess.ev.HeadSHA == "") {
		return result{}, usagef("--require-reviewed compares with the report on the merged pull or merge request: run it in CI on the merge commit")
	}
	checks, err := a.checks(ctx, cfg)
	if err != nil {
		return result{}, err
	}
	store, err := a.deps.NewStore(ctx, cfg)
	if err != nil {
		return result{}, err
	}
	d, err := a.detect(ctx, cfg, &o.sel)
	if err != nil {
		return result{}, err
	}
	head, err := a.headCommit(ctx, cfg, o.sel.head)
	if err != nil {
		return result{}, err
	}
	labels, err := a.mergedLabels(ctx, sess, cfg, head)
	if err != nil {
		return result{}, err
	}
	flow, err := a.flowDeps(cfg, con)
	if err != nil {
		return result{}, err
	}
	work, err := newWorkDir()
	if err != nil {
		return result{}, err
	}
	defer work.remove()

	// One apply per environment at a time: the leases are held, and renewed,
	// for the whole run, and released even when it fails. A lost lease stops
	// the run (its context is cancelled) and every write after it is
	// refused; the report is still published, with the context the run was
	// given.
	held, err := takeLeases(ctx, store, envs, holder(a.deps.Getenv), a.log)
	if err != nil {
		return result{}, err
	}
	defer held.release(context.WithoutCancel(ctx))
	runCtx, stopWatching := held.watch(ctx)
	defer stopWatching()

	ap := &deploy.Apply{
		Deps: flow, Store: store, Claims: held, Host: lazyHost{sess}, Detector: detector{a: a, cfg: cfg},
		Environments: envs, Tiers: o.sel.tiers, All: o.sel.all, Detected: d.Selection.Stacks, Commit: head, Labels: labels,
		RequireReviewed: o.requireReviewed, ReviewedCommit: sess.ev.HeadSHA, RunURL: runLink(sess, a.deps.Getenv),
		Parallelism: o.parallelism, WorkDir: work.dir, PluginCacheDir: a.pluginCache(work),
	}
	ap.Checks = checks
	out, err := ap.Run(runCtx)
	con.Close()
	if err != nil {
		return result{}, errors.Join(err, held.lost())
	}
	res := result{outcome: out}
	stacks := make([]tier.Stack, len(out.Stacks))
	for i, s := range out.Stacks {
		stacks[i] = s.Stack
	}
	if err := setSelectionOutputs(sess.runner, tier.Selection{Stacks: stacks}); err != nil {
		return res, err
	}
	pubr, path, err := a.publisher(cfg, true, o.reportFile)
	if err != nil {
		return res, err
	}
	mergedAs := ""
	if sess.ev.Kind == event.KindPush && len(out.Stacks) > 0 {
		mergedAs = head
	}
	pub, err := deploy.ApplyPublication(out, a.view(cfg, head, path, exitCode(res, held.lost())), mergedAs)
	if err != nil {
		return res, err
	}
	return res, errors.Join(held.lost(), pubr.Publish(ctx, pub))
}

// detector selects the stacks changed between two commits, for apply.
type detector struct {
	a   *invocation
	cfg *config.Config
}

func (d detector) Detect(ctx context.Context, base, head string) ([]tier.Stack, error) {
	det, err := d.a.detect(ctx, d.cfg, &selectOptions{base: base, head: head})
	return det.Selection.Stacks, err
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

// runLink names the run in apply records: its web address, else who runs
// it where.
func runLink(s *session, getenv func(string) string) string {
	if s.ev.RunURL != "" {
		return s.ev.RunURL
	}
	return holder(getenv)
}
