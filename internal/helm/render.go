package helm

import (
	"context"
	"fmt"
	"io"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	release "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"
)

// inputs are what a deploy of the release is made of.
type inputs struct {
	chart *chart.Chart
	vals  map[string]any
	// sensitive are the values from sensitive inventory keys and every
	// sensitive leaf of the inventory (see Stage.secrets).
	sensitive []string
}

// inputs loads the chart and assembles the values. The chart is loaded
// afresh each time: Helm's actions change the chart they are given.
func (s *Stage) inputs(ctx context.Context) (inputs, error) {
	vals, sensitive, err := s.values()
	if err != nil {
		return inputs{}, err
	}
	ch, err := s.loadChart(ctx)
	if err != nil {
		return inputs{}, err
	}
	return inputs{chart: ch, vals: vals, sensitive: s.secrets(sensitive)}, nil
}

// rendering is the release as a deploy would make it, and what it would
// replace.
type rendering struct {
	// server is true when the API server took part (a server-side dry run:
	// lookups, the server's API versions and schema validation), false for
	// a client-side rendering without a cluster.
	server bool
	// hist is the release's history; empty for a client-side rendering,
	// which cannot read it.
	hist history
	// install is true when the deploy is an install: no release exists,
	// or only uninstalled revisions of it.
	install bool
	// rel is the rendered release: manifest and hooks.
	rel *release.Release
}

// previous returns the manifest and hooks the rendering replaces.
func (r *rendering) previous() (string, []*release.Hook) {
	if r.install || r.hist.current == nil {
		return "", nil
	}
	return r.hist.current.Manifest, r.hist.current.Hooks
}

// render renders the release as an upgrade (or, for a release not yet
// installed, an install) would, with a dry run on the server when it
// answers and client-side otherwise. A pending release is a
// *PendingReleaseError.
func (s *Stage) render(ctx context.Context, c *cluster, in inputs) (*rendering, error) {
	if c.unreachable != nil {
		return s.renderClient(ctx, in)
	}
	h, err := readHistory(c.cfg.Releases, s.rel.Release)
	if err != nil {
		return nil, err
	}
	if err := s.pending(h); err != nil {
		return nil, err
	}
	r := &rendering{server: true, hist: h, install: h.last == nil || h.uninstalled}
	var out any
	if r.install {
		i := s.installAction(c.cfg, h.uninstalled)
		i.DryRunStrategy = action.DryRunServer
		out, err = i.RunWithContext(ctx, in.chart, in.vals)
	} else {
		u := s.upgradeAction(c.cfg)
		u.DryRunStrategy = action.DryRunServer
		out, err = u.RunWithContext(ctx, s.rel.Release, in.chart, in.vals)
	}
	if err != nil {
		return nil, &ChartError{Chart: s.chartSource(), Err: fmt.Errorf("render: %w", err)}
	}
	rel, ok := out.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("render: unexpected release type %T", out)
	}
	r.rel = rel
	return r, nil
}

// renderClient renders as `helm template --is-upgrade` does: with Helm's
// default capabilities and no lookups, on a configuration of its own
// (Helm's client-side dry run replaces the kube client and the store of
// the configuration it is given).
func (s *Stage) renderClient(ctx context.Context, in inputs) (*rendering, error) {
	cfg := &action.Configuration{
		Releases:     storage.Init(driver.NewMemory()),
		KubeClient:   &kubefake.PrintingKubeClient{Out: io.Discard},
		Capabilities: common.DefaultCapabilities.Copy(),
	}
	cfg.SetLogger(s.helmHandler())
	i := s.installAction(cfg, false)
	i.DryRunStrategy = action.DryRunClient
	i.IsUpgrade = true
	out, err := i.RunWithContext(ctx, in.chart, in.vals)
	if err != nil {
		return nil, &ChartError{Chart: s.chartSource(), Err: fmt.Errorf("render: %w", err)}
	}
	rel, ok := out.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("render: unexpected release type %T", out)
	}
	return &rendering{rel: rel, install: true}, nil
}

// installAction returns an install of the release with the stage's
// settings; replace takes the name over from uninstalled revisions.
func (s *Stage) installAction(cfg *action.Configuration, replace bool) *action.Install {
	i := action.NewInstall(cfg)
	i.ReleaseName = s.rel.Release
	i.Namespace = s.ns
	i.Replace = replace
	i.Timeout = s.timeout()
	return i
}

// upgradeAction returns an upgrade of the release with the stage's
// settings. The values are always the configured ones: ResetValues keeps
// Helm from reusing the last release's values when none are given.
func (s *Stage) upgradeAction(cfg *action.Configuration) *action.Upgrade {
	u := action.NewUpgrade(cfg)
	u.Namespace = s.ns
	u.ResetValues = true
	u.MaxHistory = s.maxHistory()
	u.Timeout = s.timeout()
	return u
}
