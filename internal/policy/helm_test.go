package policy

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/helm"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/kubetest"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// controlPlane is the package's Kubernetes control plane, started by the
// first test that renders a chart.
var controlPlane kubetest.Shared

func TestMain(m *testing.M) { os.Exit(controlPlane.Run(m)) }

// renderMeltano renders the reference meltano release (charts/meltano with
// the reference values and the example inventory) with the real Helm stage
// (a server-side dry run on the control plane, in a namespace of its own),
// edited by edit, and builds its policy input.
func renderMeltano(t *testing.T, edit func(*config.Release, *inventory.Document)) checkinput.Input {
	t.Helper()
	kc := controlPlane.Get(t)
	root := testtools.Root(t)
	cfg, err := config.Load(filepath.Join(root, "tierdeploy.reference.yaml"))
	require.NoError(t, err)
	var rel config.Release
	for _, r := range cfg.Tier("project").Helm {
		if r.Release == "meltano" {
			rel = r
		}
	}
	raw, err := os.ReadFile(filepath.Join(root, "test", "reference", "testdata", "inventory.json"))
	require.NoError(t, err)
	doc, err := inventory.Parse(raw)
	require.NoError(t, err)
	doc.Environment = "prod"
	rel.Namespace = kc.Namespace(t)
	if edit != nil {
		edit(&rel, doc)
	}
	stack := plan.Stack{Tier: "project", Environment: "prod"}
	s, err := helm.New(helm.Options{Root: root, Stack: stack, Release: rel, Inventory: doc, Kubeconfig: kc.Kubeconfig(), RepoCacheDir: t.TempDir()})
	require.NoError(t, err)
	res, err := s.Plan(t.Context())
	require.NoError(t, err)
	require.Equal(t, []string{helm.NoteServer, helm.NoteFirstInstall}, res.Notes)
	require.NotEmpty(t, s.Manifest())
	r := rel.Expanded(stack.Environment)
	in, err := checkinput.Helm(s.Manifest(), checkinput.Release{Name: r.Release, Namespace: r.Namespace, Chart: r.Chart,
		Values: r.Values, InventoryValues: r.InventoryValues},
		checkinput.Stage{Stack: stack, Name: r.Release, Command: "plan", Inventory: doc, Secrets: res.Secrets})
	require.NoError(t, err)
	return in
}

func TestImagesPolicyOnTheRenderedChart(t *testing.T) {
	root := testtools.Root(t)
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"policy/helm"}})
	require.NoError(t, err)

	t.Run("images from the registry pass", func(t *testing.T) {
		in := renderMeltano(t, nil)
		res, err := e.Check(t.Context(), in)
		require.NoError(t, err)
		got, msgs := statuses(res)
		assert.Equal(t, check.Pass, got["helm.images"], msgs)
		writeFixture(t, filepath.Join(root, "policy", "helm", "testdata", "meltano.json"), in)
	})
	t.Run("an image from elsewhere is denied", func(t *testing.T) {
		// The image comes from another inventory key than the registry.
		in := renderMeltano(t, func(r *config.Release, d *inventory.Document) {
			iv := maps.Clone(r.InventoryValues)
			iv["image.repository"] = "public_image"
			r.InventoryValues = iv
			d.Values["public_image"] = json.RawMessage(`"docker.io/meltano/meltano"`)
		})
		res, err := e.Check(t.Context(), in)
		require.NoError(t, err)
		got, msgs := statuses(res)
		assert.Equal(t, check.Fail, got["helm.images"])
		require.NotEmpty(t, msgs)
		for _, m := range msgs {
			assert.Regexp(t, `^(Deployment|Pod)/[a-z-]+: container [a-z-]+ runs docker\.io/meltano/meltano:[^,]+, which is not from the environment's registry \(111111111111\.dkr\.ecr\.eu-west-1\.amazonaws\.com\)$`, m)
		}
	})
	t.Run("inventory values marked sensitive stay hidden", func(t *testing.T) {
		var host string
		in := renderMeltano(t, func(_ *config.Release, d *inventory.Document) {
			var db map[string]any
			require.NoError(t, json.Unmarshal(d.Values["meltano_database"], &db))
			host = db["host"].(string)
			d.Sensitive = []string{"meltano_database"}
		})
		js, err := in.JSON()
		require.NoError(t, err)
		assert.NotContains(t, string(js), host)
		assert.NotContains(t, string(in.Manifests()), host)
		assert.Contains(t, string(js), checkinput.Marker)
	})
}
