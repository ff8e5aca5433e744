package helm

import (
	"context"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
)

// run says what an install or upgrade action is for.
type run int

const (
	// serverDryRun renders on the server without changing anything (Plan,
	// and Apply before it deploys).
	serverDryRun run = iota
	// clientDryRun renders without a cluster, as `helm template` does.
	clientDryRun
	// deployRun deploys.
	deployRun
)

// actionSettings are the settings of one install or upgrade that do not
// come from the release's options.
type actionSettings struct {
	run run
	// replace takes the release name over from uninstalled revisions
	// (install only).
	replace bool
	// skipSchema turns schema validation off for this action alone, when
	// the release's values hold stand-ins that no value satisfies.
	skipSchema bool
}

// installAction returns an install of the release with its deploy options.
// The deploy-only options (waiting, rollback, namespace creation) are set
// only for deployRun.
func (s *Stage) installAction(ctx context.Context, cfg *action.Configuration, set actionSettings) *action.Install {
	o := s.deployOpts
	i := action.NewInstall(cfg)
	i.ReleaseName = s.rel.Release
	i.Namespace = s.ns
	i.Replace = set.replace
	i.Timeout = o.Timeout
	i.SkipCRDs = o.SkipCRDs
	i.SkipSchemaValidation = o.SkipSchemaValidation || set.skipSchema
	i.Labels = o.Labels
	switch set.run {
	case serverDryRun:
		i.DryRunStrategy = action.DryRunServer
	case clientDryRun:
		i.DryRunStrategy = action.DryRunClient
		i.IsUpgrade = true
	case deployRun:
		i.CreateNamespace = o.CreateNamespace
		i.RollbackOnFailure = o.Atomic
		i.WaitStrategy, i.WaitOptions = s.waitSettings(ctx)
		i.WaitForJobs = o.WaitForJobs
	}
	return i
}

// upgradeAction returns an upgrade of the release with its deploy options.
// The values are always the configured ones: ResetValues keeps Helm from
// reusing the last release's values when none are given.
func (s *Stage) upgradeAction(ctx context.Context, cfg *action.Configuration, set actionSettings) *action.Upgrade {
	o := s.deployOpts
	u := action.NewUpgrade(cfg)
	u.Namespace = s.ns
	u.ResetValues = true
	u.MaxHistory = o.MaxHistory
	u.Timeout = o.Timeout
	u.SkipCRDs = o.SkipCRDs
	u.SkipSchemaValidation = o.SkipSchemaValidation || set.skipSchema
	u.Labels = o.Labels
	switch set.run {
	case serverDryRun:
		u.DryRunStrategy = action.DryRunServer
	case clientDryRun:
		u.DryRunStrategy = action.DryRunClient
	case deployRun:
		u.RollbackOnFailure = o.Atomic
		u.WaitStrategy, u.WaitOptions = s.waitSettings(ctx)
		u.WaitForJobs = o.WaitForJobs
	}
	return u
}

// waitSettings returns how a deploy waits: for every object to be ready
// with wait, else only for the chart's hooks.
func (s *Stage) waitSettings(ctx context.Context) (kube.WaitStrategy, []kube.WaitOption) {
	opts := []kube.WaitOption{kube.WithWaitContext(ctx), kube.WithStatusComputeWorkers(4)}
	if !s.deployOpts.Wait {
		return kube.HookOnlyStrategy, opts
	}
	return kube.StatusWatcherStrategy, opts
}
