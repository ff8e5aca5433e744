package reference

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/terraform-config-inspect/tfconfig"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// ssmStandardLimit is the largest value of a Standard tier SSM parameter.
const ssmStandardLimit = 4096

// shape is the structure of an output value: the attributes of an object,
// each with its own shape; nil for anything that is not an object literal.
type shape map[string]shape

// keys returns the attribute names of s, sorted.
func (s shape) keys() []string {
	return slices.Sorted(maps.Keys(s))
}

// terraformDirs returns the module and the root of every environment of the
// reference configuration, relative to the repository root.
func terraformDirs(t *testing.T, cfg *config.Config) []string {
	t.Helper()
	infra := cfg.Publisher()
	require.NotNil(t, infra, "a tier must publish the inventory")
	require.NotNil(t, infra.Terraform)
	dirs := []string{moduleDir}
	for _, env := range cfg.EnvironmentNames() {
		dirs = append(dirs, config.Expand(infra.Terraform.Dir, env))
	}
	return dirs
}

// loadModule reads a Terraform module with terraform-config-inspect.
func loadModule(t *testing.T, dir string) *tfconfig.Module {
	t.Helper()
	mod, diags := tfconfig.LoadModule(filepath.Join(repoRoot(t), dir))
	require.False(t, diags.HasErrors(), "%s: %v", dir, diags.Err())
	return mod
}

// outputExprs returns the value expression of every output block of the
// module in dir.
func outputExprs(t *testing.T, dir string) map[string]hclsyntax.Expression {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot(t), dir, "*.tf"))
	require.NoError(t, err)
	parser := hclparse.NewParser()
	exprs := map[string]hclsyntax.Expression{}
	for _, f := range files {
		file, diags := parser.ParseHCLFile(f)
		require.False(t, diags.HasErrors(), "%s: %v", f, diags)
		body, ok := file.Body.(*hclsyntax.Body)
		require.True(t, ok, "%s is not native HCL syntax", f)
		for _, b := range body.Blocks {
			if b.Type != "output" || len(b.Labels) != 1 {
				continue
			}
			attr, ok := b.Body.Attributes["value"]
			require.True(t, ok, "output %s in %s has no value", b.Labels[0], f)
			exprs[b.Labels[0]] = attr.Expr
		}
	}
	return exprs
}

// exprShape returns the shape of an output value expression: object
// literals are followed down, anything else is a leaf.
func exprShape(t *testing.T, expr hclsyntax.Expression) shape {
	t.Helper()
	obj, ok := expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	s := shape{}
	for _, item := range obj.Items {
		key, diags := item.KeyExpr.Value(nil)
		require.False(t, diags.HasErrors(), "object key at %s is not a literal", item.KeyExpr.Range())
		s[key.AsString()] = exprShape(t, item.ValueExpr)
	}
	return s
}

// moduleOutputs returns the shape of every output of the infrastructure
// module.
func moduleOutputs(t *testing.T) map[string]shape {
	t.Helper()
	out := map[string]shape{}
	for name, expr := range outputExprs(t, moduleDir) {
		out[name] = exprShape(t, expr)
	}
	require.NotEmpty(t, out)
	return out
}

// valueShape returns the shape of a decoded JSON value.
func valueShape(v any) shape {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	s := shape{}
	for k, e := range m {
		s[k] = valueShape(e)
	}
	return s
}

func TestTerraformVariablesAndOutputsAreDocumented(t *testing.T) {
	cfg := loadConfig(t)
	for _, dir := range terraformDirs(t, cfg) {
		t.Run(dir, func(t *testing.T) {
			mod := loadModule(t, dir)
			require.NotEmpty(t, mod.Variables, "a module without variables cannot be adapted")
			for _, name := range slices.Sorted(maps.Keys(mod.Variables)) {
				v := mod.Variables[name]
				require.NotEmpty(t, strings.TrimSpace(v.Description), "variable %s (%s:%d) has no description", name, v.Pos.Filename, v.Pos.Line)
				require.NotEmpty(t, v.Type, "variable %s (%s:%d) has no type", name, v.Pos.Filename, v.Pos.Line)
				require.False(t, v.Sensitive && v.Default != nil, "sensitive variable %s must not have a default", name)
			}
			for _, name := range slices.Sorted(maps.Keys(mod.Outputs)) {
				o := mod.Outputs[name]
				require.NotEmpty(t, strings.TrimSpace(o.Description), "output %s (%s:%d) has no description", name, o.Pos.Filename, o.Pos.Line)
			}
			for name, p := range mod.RequiredProviders {
				require.NotEmpty(t, p.VersionConstraints, "provider %s is not pinned in required_providers", name)
			}
			require.NotEmpty(t, mod.RequiredCore, "required_version is not set")
		})
	}
}

func TestEnvironmentRootsExportTheModuleOutputs(t *testing.T) {
	cfg := loadConfig(t)
	want := moduleOutputs(t)
	module := loadModule(t, moduleDir)
	for _, dir := range terraformDirs(t, cfg)[1:] {
		t.Run(dir, func(t *testing.T) {
			root := loadModule(t, dir)
			require.Contains(t, root.ModuleCalls, "infrastructure")
			require.Equal(t, "../../modules/infrastructure", root.ModuleCalls["infrastructure"].Source)
			exprs := outputExprs(t, dir)
			require.ElementsMatch(t, slices.Collect(maps.Keys(want)), slices.Collect(maps.Keys(exprs)),
				"the environment root must export every module output, under the same name")
			for name, expr := range exprs {
				trav, ok := expr.(*hclsyntax.ScopeTraversalExpr)
				require.True(t, ok, "output %s must be module.infrastructure.%s", name, name)
				require.Equal(t, "module.infrastructure."+name, traversalString(trav.Traversal), "output %s", name)
				require.Equal(t, module.Outputs[name].Sensitive, root.Outputs[name].Sensitive, "output %s sensitivity differs from the module's", name)
			}
		})
	}
}

// traversalString renders a traversal such as module.infrastructure.cluster.
func traversalString(tr hcl.Traversal) string {
	parts := make([]string, 0, len(tr))
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, s.Name)
		default:
			parts = append(parts, "[?]")
		}
	}
	return strings.Join(parts, ".")
}

func TestInventoryKeysAreModuleOutputs(t *testing.T) {
	cfg := loadConfig(t)
	outputs := moduleOutputs(t)
	module := loadModule(t, moduleDir)
	for _, name := range []string{meltanoRelease, airflowRelease} {
		rel := findRelease(t, cfg, name)
		require.NotEmpty(t, rel.InventoryValues, "release %s maps no inventory value", name)
		for path, key := range rel.InventoryValues {
			t.Run(name+"/"+path, func(t *testing.T) {
				requireOutputValue(t, outputs, module, key)
			})
		}
	}
}

// requireOutputValue fails unless the inventory key names a single value
// of a non-sensitive module output.
func requireOutputValue(t *testing.T, outputs map[string]shape, module *tfconfig.Module, key string) {
	t.Helper()
	segments := strings.Split(key, ".")
	s, ok := outputs[segments[0]]
	require.True(t, ok, "inventory key %s: the module has no output %q (outputs: %v)", key, segments[0], slices.Sorted(maps.Keys(outputs)))
	require.False(t, module.Outputs[segments[0]].Sensitive, "inventory key %s: output %s is sensitive, so it is left out of the inventory", key, segments[0])
	for i, seg := range segments[1:] {
		require.NotNil(t, s, "inventory key %s: %s is not an object", key, strings.Join(segments[:i+1], "."))
		next, ok := s[seg]
		require.True(t, ok, "inventory key %s: %s has no attribute %q (attributes: %v)", key, strings.Join(segments[:i+1], "."), seg, s.keys())
		s = next
	}
	require.Nil(t, s, "inventory key %s names an object (%v): map a single value", key, s.keys())
}

func TestExampleInventoryMatchesTheOutputs(t *testing.T) {
	outputs := moduleOutputs(t)
	values := exampleInventory(t)
	require.ElementsMatch(t, slices.Collect(maps.Keys(outputs)), slices.Collect(maps.Keys(values)),
		"%s must hold exactly the module's outputs", inventoryFile)
	for _, name := range slices.Sorted(maps.Keys(outputs)) {
		t.Run(name, func(t *testing.T) {
			requireSameShape(t, name, outputs[name], valueShape(values[name]))
		})
	}

	data, err := os.ReadFile(inventoryFile)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(data, &doc))
	compact, err := json.Marshal(doc)
	require.NoError(t, err)
	// The cluster's CA certificate (about 1.5 KB in base64) is the largest
	// value; the rest must leave room to grow.
	require.Less(t, len(compact), ssmStandardLimit-256,
		"the inventory must stay inside the %d bytes of a Standard SSM parameter", ssmStandardLimit)
}

// requireSameShape fails unless got has the attributes of want, recursively.
func requireSameShape(t *testing.T, path string, want, got shape) {
	t.Helper()
	if want == nil {
		require.Nil(t, got, "%s is an object in the example, a value in the module", path)
		return
	}
	require.Equal(t, want.keys(), got.keys(), "attributes of %s", path)
	for _, k := range want.keys() {
		requireSameShape(t, path+"."+k, want[k], got[k])
	}
}

func TestReleasesUseTheModuleNamespace(t *testing.T) {
	cfg := loadConfig(t)
	module := loadModule(t, moduleDir)
	ns, ok := module.Variables["namespace"]
	require.True(t, ok, "the module has no namespace variable")
	for _, name := range []string{meltanoRelease, airflowRelease} {
		require.Equal(t, ns.Default, findRelease(t, cfg, name).Namespace,
			"release %s must be installed in the namespace the IAM roles trust", name)
	}
	claim := module.Variables["logs_claim_name"]
	require.NotNil(t, claim)
	values := exampleInventory(t)
	got, _ := lookup(values, "storage.claim_name")
	require.Equal(t, claim.Default, got)
	got, _ = lookup(values, "namespace")
	require.Equal(t, ns.Default, got)
}

func TestModuleReadmeListsEveryInputAndOutput(t *testing.T) {
	mod := loadModule(t, moduleDir)
	data, err := os.ReadFile(filepath.Join(repoRoot(t), moduleDir, "README.md"))
	require.NoError(t, err, "the module needs a README with its inputs, outputs and inventory")
	readme := string(data)
	for _, name := range slices.Sorted(maps.Keys(mod.Variables)) {
		require.Contains(t, readme, "| `"+name+"` |", "the README's inputs table does not list variable %s", name)
	}
	for _, name := range slices.Sorted(maps.Keys(mod.Outputs)) {
		require.Contains(t, readme, "| `"+name+"` |", "the README's outputs table does not list output %s", name)
	}
}
