package reference

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// Paths of the reference deployment, relative to the repository root.
const (
	configFile    = "tierdeploy.reference.yaml"
	moduleDir     = "terraform/modules/infrastructure"
	chartDir      = "charts/meltano"
	inventoryFile = "testdata/inventory.json"

	meltanoRelease = "meltano"
	airflowRelease = "airflow"
)

// repoRoot returns the absolute path of the repository root.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

// loadConfig loads the reference configuration the way the CLI does.
func loadConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(repoRoot(t), configFile))
	require.NoError(t, err, "the reference configuration must load")
	return cfg
}

// findRelease returns the release called name of the project tier.
func findRelease(t *testing.T, cfg *config.Config, name string) config.Release {
	t.Helper()
	for _, tier := range cfg.Tiers {
		for _, r := range tier.Helm {
			if r.Release == name {
				return r
			}
		}
	}
	require.Failf(t, "release not found", "%s defines no release %q", configFile, name)
	return config.Release{}
}

// exampleInventory returns the values of the example inventory document.
func exampleInventory(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(inventoryFile)
	require.NoError(t, err)
	var doc struct {
		Schema string         `json:"schema"`
		Values map[string]any `json:"values"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Equal(t, "tierdeploy.inventory/v1", doc.Schema)
	return doc.Values
}

// readValues reads a YAML values file the way Helm does (numbers become
// float64, as they do in the inventory's JSON).
func readValues(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	values := map[string]any{}
	require.NoError(t, yaml.Unmarshal(data, &values), "%s is not valid YAML", path)
	return values
}

// releaseValues returns the values tierdeploy gives release rel in
// environment env: its values files merged in order, then every inventory
// value set at its chart value path.
func releaseValues(t *testing.T, rel config.Release, env string, inventory map[string]any) map[string]any {
	t.Helper()
	root := repoRoot(t)
	values := map[string]any{}
	for _, f := range rel.Values {
		values = loader.MergeMaps(values, readValues(t, filepath.Join(root, config.Expand(f, env))))
	}
	for path, key := range rel.InventoryValues {
		v, ok := lookup(inventory, key)
		require.True(t, ok, "inventory key %s (for %s) is missing from the example inventory", key, path)
		setValue(values, path, v)
	}
	return values
}

// splitValuePath splits a chart value path at its dots, except dots escaped
// with a backslash (as in `helm --set`), which belong to the key:
// a.b\.c is ["a", "b.c"].
func splitValuePath(path string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '\\' && i+1 < len(path) && path[i+1] == '.':
			cur.WriteByte('.')
			i++
		case path[i] == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(path[i])
		}
	}
	return append(parts, cur.String())
}

// setValue sets the value at a chart value path, creating maps on the way.
func setValue(values map[string]any, path string, v any) {
	parts := splitValuePath(path)
	m := values
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// lookup returns the value at a dotted inventory key or chart value path.
func lookup(values map[string]any, path string) (any, bool) {
	var cur any = values
	for _, p := range splitValuePath(path) {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func TestSplitValuePath(t *testing.T) {
	tests := map[string][]string{
		"image.repository": {"image", "repository"},
		"workers.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn": {"workers", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn"},
		"single": {"single"},
	}
	for path, want := range tests {
		t.Run(path, func(t *testing.T) {
			require.Equal(t, want, splitValuePath(path))
		})
	}
}
