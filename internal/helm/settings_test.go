package helm

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	"k8s.io/utils/ptr"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// settings are the fields of Helm's install and upgrade actions that the
// release options decide.
type settings struct {
	DryRun          action.DryRunStrategy
	Wait            kube.WaitStrategy
	WaitForJobs     bool
	Rollback        bool
	CreateNamespace bool
	SkipCRDs        bool
	SkipSchema      bool
	Timeout         time.Duration
	MaxHistory      int
	Labels          map[string]string
	Replace         bool
	ResetValues     bool
}

func installSettings(i *action.Install) settings {
	return settings{DryRun: i.DryRunStrategy, Wait: i.WaitStrategy, WaitForJobs: i.WaitForJobs, Rollback: i.RollbackOnFailure,
		CreateNamespace: i.CreateNamespace, SkipCRDs: i.SkipCRDs, SkipSchema: i.SkipSchemaValidation, Timeout: i.Timeout,
		Labels: i.Labels, Replace: i.Replace}
}

func upgradeSettings(u *action.Upgrade) settings {
	return settings{DryRun: u.DryRunStrategy, Wait: u.WaitStrategy, WaitForJobs: u.WaitForJobs, Rollback: u.RollbackOnFailure,
		SkipCRDs: u.SkipCRDs, SkipSchema: u.SkipSchemaValidation, Timeout: u.Timeout, MaxHistory: u.MaxHistory,
		Labels: u.Labels, ResetValues: u.ResetValues}
}

func TestActionSettings(t *testing.T) {
	deployInstall := settings{DryRun: action.DryRunNone, Wait: kube.StatusWatcherStrategy, WaitForJobs: true, Rollback: true, CreateNamespace: true, Timeout: DefaultTimeout}
	deployUpgrade := settings{DryRun: action.DryRunNone, Wait: kube.StatusWatcherStrategy, WaitForJobs: true, Rollback: true, Timeout: DefaultTimeout,
		MaxHistory: DefaultMaxHistory, ResetValues: true}
	with := func(s settings, edit func(*settings)) settings {
		edit(&s)
		return s
	}
	tests := []struct {
		name    string
		rel     func(*config.Release)
		install settings
		upgrade settings
	}{
		{name: "defaults", rel: func(*config.Release) {}, install: deployInstall, upgrade: deployUpgrade},
		{name: "wait: false", rel: func(r *config.Release) { r.Wait = ptr.To(false) },
			install: with(deployInstall, func(s *settings) { s.Wait, s.WaitForJobs, s.Rollback = kube.HookOnlyStrategy, false, false }),
			upgrade: with(deployUpgrade, func(s *settings) { s.Wait, s.WaitForJobs, s.Rollback = kube.HookOnlyStrategy, false, false })},
		{name: "wait_for_jobs: false", rel: func(r *config.Release) { r.WaitForJobs = ptr.To(false) },
			install: with(deployInstall, func(s *settings) { s.WaitForJobs = false }),
			upgrade: with(deployUpgrade, func(s *settings) { s.WaitForJobs = false })},
		{name: "atomic: false", rel: func(r *config.Release) { r.Atomic = ptr.To(false) },
			install: with(deployInstall, func(s *settings) { s.Rollback = false }),
			upgrade: with(deployUpgrade, func(s *settings) { s.Rollback = false })},
		{name: "timeout", rel: func(r *config.Release) { r.Timeout = config.Duration(42 * time.Second) },
			install: with(deployInstall, func(s *settings) { s.Timeout = 42 * time.Second }),
			upgrade: with(deployUpgrade, func(s *settings) { s.Timeout = 42 * time.Second })},
		{name: "skip_crds", rel: func(r *config.Release) { r.SkipCRDs = true },
			install: with(deployInstall, func(s *settings) { s.SkipCRDs = true }),
			upgrade: with(deployUpgrade, func(s *settings) { s.SkipCRDs = true })},
		{name: "skip_schema_validation", rel: func(r *config.Release) { r.SkipSchemaValidation = true },
			install: with(deployInstall, func(s *settings) { s.SkipSchema = true }),
			upgrade: with(deployUpgrade, func(s *settings) { s.SkipSchema = true })},
		{name: "create_namespace: false", rel: func(r *config.Release) { r.CreateNamespace = ptr.To(false) },
			install: with(deployInstall, func(s *settings) { s.CreateNamespace = false }),
			upgrade: deployUpgrade},
		{name: "labels", rel: func(r *config.Release) { r.Labels = map[string]string{"team": "data"} },
			install: with(deployInstall, func(s *settings) { s.Labels = map[string]string{"team": "data"} }),
			upgrade: with(deployUpgrade, func(s *settings) { s.Labels = map[string]string{"team": "data"} })},
		{name: "max_history", rel: func(r *config.Release) { r.MaxHistory = ptr.To(3) },
			install: deployInstall,
			upgrade: with(deployUpgrade, func(s *settings) { s.MaxHistory = 3 })},
		{name: "max_history: 0 keeps every revision", rel: func(r *config.Release) { r.MaxHistory = ptr.To(0) },
			install: deployInstall,
			upgrade: with(deployUpgrade, func(s *settings) { s.MaxHistory = 0 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeCluster(t)
			opts := stageOptions(t, c)
			tt.rel(&opts.Release)
			s := newStage(t, opts)
			ctx := t.Context()
			assert.Equal(t, tt.install, installSettings(s.installAction(ctx, c.cfg, actionSettings{run: deployRun})), "install")
			assert.Equal(t, tt.upgrade, upgradeSettings(s.upgradeAction(ctx, c.cfg, actionSettings{run: deployRun})), "upgrade")

			// A dry run takes the options that shape the rendering, and
			// none of waiting, rollback or namespace creation.
			dry := installSettings(s.installAction(ctx, c.cfg, actionSettings{run: serverDryRun}))
			assert.Equal(t, settings{DryRun: action.DryRunServer, SkipCRDs: tt.install.SkipCRDs, SkipSchema: tt.install.SkipSchema,
				Timeout: tt.install.Timeout, Labels: tt.install.Labels}, dry, "install dry run")
			dryUp := upgradeSettings(s.upgradeAction(ctx, c.cfg, actionSettings{run: serverDryRun}))
			assert.Equal(t, settings{DryRun: action.DryRunServer, SkipCRDs: tt.upgrade.SkipCRDs, SkipSchema: tt.upgrade.SkipSchema,
				Timeout: tt.upgrade.Timeout, MaxHistory: tt.upgrade.MaxHistory, Labels: tt.upgrade.Labels, ResetValues: true}, dryUp, "upgrade dry run")
		})
	}
}

func TestActionSettingsOfOneRender(t *testing.T) {
	c := fakeCluster(t)
	s := newStage(t, stageOptions(t, c))
	ctx := t.Context()
	// Stand-ins the schema refuses turn validation off for one render.
	assert.True(t, s.installAction(ctx, c.cfg, actionSettings{run: serverDryRun, skipSchema: true}).SkipSchemaValidation)
	assert.True(t, s.upgradeAction(ctx, c.cfg, actionSettings{run: serverDryRun, skipSchema: true}).SkipSchemaValidation)
	assert.False(t, s.installAction(ctx, c.cfg, actionSettings{run: deployRun}).SkipSchemaValidation)
	// An install over uninstalled revisions replaces them.
	assert.True(t, s.installAction(ctx, c.cfg, actionSettings{run: deployRun, replace: true}).Replace)
	// Without a cluster, as helm template --is-upgrade.
	i := s.installAction(ctx, c.cfg, actionSettings{run: clientDryRun})
	assert.Equal(t, action.DryRunClient, i.DryRunStrategy)
	assert.True(t, i.IsUpgrade)
}
