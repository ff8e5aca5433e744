package helm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// widgetOptions returns options for the widgets chart, whose crds/ define
// the kind its templates use, on c.
func widgetOptions(t *testing.T, c *cluster) Options {
	opts := stageOptions(t, c)
	opts.Release.Release = "widgets"
	opts.Release.Chart = "charts/widgets"
	return opts
}

func TestPlanFirstInstallShowsCRDsAndTheirObjects(t *testing.T) {
	c := fakeCluster(t)
	res, err := newStage(t, widgetOptions(t, c)).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []plan.ResourceChange{
		{Address: "ConfigMap/app/widgets-widgets", Action: plan.Create},
		{Address: "CustomResourceDefinition/widgets.tierdeploy.test", Action: plan.Create, Reason: crdReason},
		{Address: "Widget/app/widgets", Action: plan.Create},
	}, res.Resources)
	assert.Equal(t, []string{
		NoteServer, NoteFirstInstall,
		"first install: the chart's crds/ (Widget.tierdeploy.test) are created before its other objects",
		"not checked by the API server, which does not know Widget.tierdeploy.test before the CRDs are created: Widget/app/widgets",
	}, res.Notes)
	assert.Contains(t, res.Diff, "+++ b/CustomResourceDefinition/widgets.tierdeploy.test\n")
	assert.Contains(t, res.Diff, "+  size: 3\n")
	// Templates see the kind's API version, as they will once the CRDs
	// exist.
	assert.Contains(t, res.Diff, `+  widgetsKnown: "true"`)
	// The configuration is left as it was.
	_, ok := c.cfg.KubeClient.(*kubefake.FailingKubeClient)
	assert.True(t, ok, "kube client restored")
	assert.NotContains(t, c.cfg.Capabilities.APIVersions, "tierdeploy.test/v1")
}

func TestPlanWithSkipCRDs(t *testing.T) {
	c := fakeCluster(t)
	opts := widgetOptions(t, c)
	opts.Release.SkipCRDs = true
	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, map[string]plan.Action{
		"ConfigMap/app/widgets-widgets": plan.Create,
		"Widget/app/widgets":            plan.Create,
	}, addresses(res.Resources))
	assert.NotContains(t, strings.Join(res.Notes, "\n"), "crds/ (")
}

func TestPlanOfAnUpgradeLeavesCRDs(t *testing.T) {
	c := fakeCluster(t)
	opts := widgetOptions(t, c)
	// Installed without its CRDs (Helm's fake cannot create them; the
	// control plane test installs them).
	opts.Release.SkipCRDs = true
	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)

	// The CRDs are not in the release's manifest: the next plan has no
	// change, and says that Helm leaves crds/ alone on upgrade.
	opts.Release.SkipCRDs = false
	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
	assert.Contains(t, res.Notes, "the chart's crds/ are left as they are: Helm creates CRDs on first install only and never updates them")
}

func TestReadCRDs(t *testing.T) {
	s := newStage(t, widgetOptions(t, fakeCluster(t)))
	ch, err := s.loadChart(t.Context())
	require.NoError(t, err)
	crds, err := readCRDs(ch)
	require.NoError(t, err)
	assert.Equal(t, []crdKind{{group: "tierdeploy.test", kind: "Widget", versions: []string{"v1"}, namespaced: true}}, crds.kinds)
	require.Len(t, crds.objects, 1)
	assert.Equal(t, "CustomResourceDefinition/widgets.tierdeploy.test", crds.objects[0].address)

	// A cluster that knows the kind has nothing pending.
	known := func(apiVersion, kind string) (bool, bool) {
		return true, apiVersion == "tierdeploy.test/v1" && kind == "Widget"
	}
	assert.Empty(t, crds.unknownTo(known))
	assert.Len(t, crds.unknownTo(nil), 1)
}

func TestPendingKubeLeavesOutUnknownKinds(t *testing.T) {
	printed := &bytes.Buffer{}
	p := &pendingKube{Interface: &kubefake.PrintingKubeClient{Out: printed},
		kinds: []crdKind{{group: "tierdeploy.test", kind: "Widget", versions: []string{"v1"}, namespaced: true}}}
	manifest := "---\n# Source: a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n" +
		"---\n# Source: b.yaml\napiVersion: tierdeploy.test/v1\nkind: Widget\nmetadata:\n  name: b\n  namespace: app\n" +
		"---\napiVersion: tierdeploy.test/v2\nkind: Widget\nmetadata:\n  name: other-version\n" +
		"---\n: not yaml [\n"
	_, err := p.Build(strings.NewReader(manifest), false)
	require.NoError(t, err)
	assert.Equal(t, []string{"Widget/app/b"}, p.left)
}
