package ship

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// configExample is the README's configuration reference.
func configExample(t *testing.T) string {
	t.Helper()
	blocks := fencedBlocks(t, string(readFile(t, "README.md")), "## Configuration\n", "## Terraform and OpenTofu versions", "yaml")
	require.Len(t, blocks, 1, "the Configuration section has one yaml block, the reference")
	return blocks[0]
}

// TestConfigurationExampleValidates: the README's configuration reference
// is a file `tierdeploy validate` accepts, in a repository holding the
// paths it names.
func TestConfigurationExampleValidates(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tierdeploy.yaml":                             configExample(t),
		"terraform/environments/staging/main.tf":      "terraform {}\n",
		"terraform/environments/staging/extra.tfvars": "",
		"terraform/environments/prod/main.tf":         "terraform {}\n",
		"terraform/environments/prod/extra.tfvars":    "",
		"policy/terraform/s3.rego":                    "package terraform.s3\n",
		"policy/staging/rds.rego":                     "package staging.rds\n",
		"policy/prod/rds.rego":                        "package prod.rds\n",
		"scripts/cost-check.sh":                       "#!/bin/sh\n",
		"charts/meltano/Chart.yaml":                   "apiVersion: v2\nname: meltano\nversion: 0.1.0\n",
		"deploy/meltano/values.yaml":                  "{}\n",
		"deploy/meltano/values-staging.yaml":          "{}\n",
		"deploy/meltano/values-prod.yaml":             "{}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o755))
	}
	cfg, err := config.Load(filepath.Join(dir, "tierdeploy.yaml"))
	require.NoError(t, err, "the README's configuration reference does not validate")
	require.Equal(t, []string{"staging", "prod"}, cfg.EnvironmentNames())
	require.Len(t, cfg.Tiers, 2)
}

// TestConfigurationExampleListsEveryKey: every key the configuration
// decodes appears in the README's reference, so a new key cannot go
// undocumented. A tier's cluster: block is shown as a comment, since it
// takes the keys of an environment's.
func TestConfigurationExampleListsEveryKey(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte(configExample(t)), &doc))
	shown := map[string]bool{}
	yamlKeys(doc.Content[0], "", shown)
	var missing []string
	for _, k := range structKeys(reflect.TypeFor[config.Config](), "") {
		if !shown[k] && !strings.HasPrefix(k, "tiers[].cluster") {
			missing = append(missing, k)
		}
	}
	require.Empty(t, missing, "keys of tierdeploy.yaml the README's Configuration reference does not show")
	require.Contains(t, configExample(t), "# cluster: {...}", "the tier's cluster: block is named")
}

// structKeys lists the yaml key paths of a configuration type: "a.b",
// "list[].c". Maps and types that decode themselves are leaves.
func structKeys(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Slice {
		return structKeys(t.Elem(), prefix+"[]")
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		out = append(out, key)
		out = append(out, structKeys(f.Type, key)...)
	}
	slices.Sort(out)
	return out
}

// yamlKeys records the key paths of a YAML document as structKeys names
// them; maps below a key the configuration takes as a whole are recorded
// too, which does no harm.
func yamlKeys(n *yaml.Node, prefix string, out map[string]bool) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if prefix != "" {
				key = prefix + "." + key
			}
			out[key] = true
			yamlKeys(n.Content[i+1], key, out)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			yamlKeys(c, prefix+"[]", out)
		}
	}
}
