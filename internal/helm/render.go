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
	// crds are the chart's crds/ (unless skip_crds); pending the kinds
	// they define that the API server does not know yet, and left the
	// objects of those kinds the server did not check.
	crds    chartCRDs
	pending []crdKind
	left    []string
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
// *PendingReleaseError. skipSchema turns schema validation off for this
// render alone.
//
// A first install of a chart whose crds/ define kinds the API server does
// not know yet is rendered on the server all the same: the objects of
// those kinds are left out of what the server checks (it cannot map them
// before the CRDs exist) and listed in rendering.left.
func (s *Stage) render(ctx context.Context, c *cluster, in inputs, skipSchema bool) (*rendering, error) {
	var crds chartCRDs
	if !s.deployOpts.SkipCRDs && len(in.chart.CRDObjects()) > 0 {
		pr, err := s.prepare(ctx, in.vals)
		if err != nil {
			return nil, err
		}
		if crds, err = readCRDs(pr.chart); err != nil {
			return nil, &ChartError{Chart: s.chartSource(), Err: fmt.Errorf("crds: %w", err)}
		}
	}
	if c.unreachable != nil {
		r, err := s.renderClient(ctx, in, skipSchema)
		if err == nil {
			r.crds = crds
		}
		return r, err
	}
	h, err := readHistory(c.cfg.Releases, s.rel.Release)
	if err != nil {
		return nil, err
	}
	if err := s.pending(h); err != nil {
		return nil, err
	}
	r := &rendering{server: true, hist: h, install: h.last == nil || h.uninstalled, crds: crds}
	var out any
	set := actionSettings{run: serverDryRun, replace: h.uninstalled, skipSchema: skipSchema}
	if r.install {
		var pk *pendingKube
		restore := func() {}
		if r.pending = crds.unknownTo(c.scope); len(r.pending) > 0 {
			if pk, restore, err = withPendingKinds(c.cfg, r.pending, s.ns); err != nil {
				return nil, err
			}
		}
		out, err = s.installAction(ctx, c.cfg, set).RunWithContext(ctx, in.chart, in.vals)
		restore()
		if pk != nil {
			r.left = pk.left
		}
	} else {
		out, err = s.upgradeAction(ctx, c.cfg, set).RunWithContext(ctx, s.rel.Release, in.chart, in.vals)
	}
	if err != nil {
		if !r.install && len(crds.unknownTo(c.scope)) > 0 {
			err = fmt.Errorf("%w (the chart's crds/ define kinds the cluster does not know, and Helm creates CRDs on first install only: create them first)", err)
		}
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
func (s *Stage) renderClient(ctx context.Context, in inputs, skipSchema bool) (*rendering, error) {
	cfg := &action.Configuration{
		Releases:     storage.Init(driver.NewMemory()),
		KubeClient:   &kubefake.PrintingKubeClient{Out: io.Discard},
		Capabilities: common.DefaultCapabilities.Copy(),
	}
	cfg.SetLogger(s.helmHandler())
	out, err := s.installAction(ctx, cfg, actionSettings{run: clientDryRun, skipSchema: skipSchema}).RunWithContext(ctx, in.chart, in.vals)
	if err != nil {
		return nil, &ChartError{Chart: s.chartSource(), Err: fmt.Errorf("render: %w", err)}
	}
	rel, ok := out.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("render: unexpected release type %T", out)
	}
	return &rendering{rel: rel, install: true}, nil
}
