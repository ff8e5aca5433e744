package tier_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const cfgYAML = `version: 1
environments:
  - name: staging
  - name: prod
tiers:
  - name: project
    needs: [infrastructure]
    paths: ["deploy/**"]
    terraform:
      dir: project/terraform
      var_files: ["project/{environment}.tfvars"]
    helm:
      - release: web
        chart: charts/web
        values: [deploy/common.yaml, "deploy/{environment}/web.yaml", "deploy/web/{environment}.yaml"]
        inventory_values: {db.host: database.host}
  - name: infrastructure
    paths: ["terraform/**"]
    terraform:
      dir: terraform/environments/{environment}
    publishes_inventory: true
  - name: monitoring
    helm:
      - release: grafana
        chart: grafana
        repo: https://grafana.example.invalid
        version: 1.0.0
        values: [monitoring/values.yaml]
`

var repo = fstest.MapFS{
	"terraform/environments/staging/main.tf": {Data: []byte(`module "platform" { source = "../../modules/platform" }`)},
	"terraform/environments/prod/main.tf":    {Data: []byte(`module "platform" { source = "../../modules/platform" }` + "\n" + `module "backup" { source = "../../../modules/backup" }`)},
	"terraform/modules/platform/main.tf":     {Data: []byte(`module "net" { source = "../../../shared/network" }` + "\n" + `module "remote" { source = "terraform-aws-modules/vpc/aws" }`)},
	"terraform/modules/backup/main.tf":       {Data: []byte(`resource "terraform_data" "b" {}`)},
	"shared/network/main.tf":                 {Data: []byte(`resource "terraform_data" "n" {}`)},
	"project/terraform/main.tf":              {Data: []byte(`module "cfg" { source = "../../shared/appconfig" }`)},
	"shared/appconfig/main.tf":               {},
	"project/staging.tfvars":                 {},
	"project/prod.tfvars":                    {},
	"charts/web/Chart.yaml":                  {Data: []byte("apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.invalid\n")},
	"charts/common/Chart.yaml":               {Data: []byte("apiVersion: v2\nname: common\nversion: 0.1.0\n")},
	"deploy/common.yaml":                     {},
	"deploy/staging/web.yaml":                {},
	"deploy/prod/web.yaml":                   {},
	"deploy/web/staging.yaml":                {},
	"deploy/web/prod.yaml":                   {},
	"deploy/web/values.yaml":                 {},
	"monitoring/values.yaml":                 {},
}

func load(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("tierdeploy.yaml", []byte(cfgYAML))
	require.NoError(t, err)
	require.NoError(t, cfg.Check(repo))
	return cfg
}

func stacks(sel tier.Selection) map[string][]string {
	out := map[string][]string{}
	for _, s := range sel.Stacks {
		out[s.Tier+"/"+s.Environment] = tier.Strings(s.Reasons)
	}
	return out
}

func TestSelect(t *testing.T) {
	const inv = "needs infrastructure (inventory may change)"
	tests := []struct {
		name  string
		paths []string
		want  map[string][]string
	}{
		{name: "nothing relevant", paths: []string{"README.md", "docs/x.md"}, want: map[string][]string{}},
		{name: "environment stage dir affects that environment and its dependents",
			paths: []string{"terraform/environments/prod/main.tf"},
			want: map[string][]string{
				"infrastructure/prod": {"terraform/environments/prod/main.tf"},
				"project/prod":        {inv},
			}},
		{name: "folder of an unconfigured environment affects nothing",
			paths: []string{"terraform/environments/dev/main.tf"}, want: map[string][]string{}},
		{name: "shared module affects every environment calling it",
			paths: []string{"terraform/modules/platform/main.tf"},
			want: map[string][]string{
				"infrastructure/staging": {"terraform/modules/platform/main.tf"},
				"infrastructure/prod":    {"terraform/modules/platform/main.tf"},
				"project/staging":        {inv},
				"project/prod":           {inv},
			}},
		{name: "module called by one environment only",
			paths: []string{"modules/backup/main.tf"},
			want: map[string][]string{
				"infrastructure/prod": {"modules/backup/main.tf"},
				"project/prod":        {inv},
			}},
		{name: "module outside the tier's folders reached transitively",
			paths: []string{"shared/network/main.tf"},
			want: map[string][]string{
				"infrastructure/staging": {"shared/network/main.tf"},
				"infrastructure/prod":    {"shared/network/main.tf"},
				"project/staging":        {inv},
				"project/prod":           {inv},
			}},
		{name: "project module in a shared folder",
			paths: []string{"shared/appconfig/main.tf"},
			want: map[string][]string{
				"project/staging": {"shared/appconfig/main.tf"},
				"project/prod":    {"shared/appconfig/main.tf"},
			}},
		{name: "environment var file",
			paths: []string{"project/staging.tfvars"},
			want:  map[string][]string{"project/staging": {"project/staging.tfvars"}}},
		{name: "environment values file",
			paths: []string{"deploy/prod/web.yaml"},
			want:  map[string][]string{"project/prod": {"deploy/prod/web.yaml"}}},
		{name: "environment file named by the placeholder",
			paths: []string{"deploy/web/prod.yaml"},
			want:  map[string][]string{"project/prod": {"deploy/web/prod.yaml"}}},
		{name: "sibling of an environment file is not environment-specific",
			paths: []string{"deploy/web/values.yaml"},
			want: map[string][]string{
				"project/staging": {"deploy/web/values.yaml"},
				"project/prod":    {"deploy/web/values.yaml"},
			}},
		{name: "shared values file",
			paths: []string{"deploy/common.yaml"},
			want: map[string][]string{
				"project/staging": {"deploy/common.yaml"},
				"project/prod":    {"deploy/common.yaml"},
			}},
		{name: "local chart dependency",
			paths: []string{"charts/common/templates/_helpers.tpl"},
			want: map[string][]string{
				"project/staging": {"charts/common/templates/_helpers.tpl"},
				"project/prod":    {"charts/common/templates/_helpers.tpl"},
			}},
		{name: "remote chart values",
			paths: []string{"monitoring/values.yaml"},
			want: map[string][]string{
				"monitoring/staging": {"monitoring/values.yaml"},
				"monitoring/prod":    {"monitoring/values.yaml"},
			}},
		{name: "glob match",
			paths: []string{"terraform/README.md"},
			want: map[string][]string{
				"infrastructure/staging": {"terraform/README.md"},
				"infrastructure/prod":    {"terraform/README.md"},
				"project/staging":        {inv},
				"project/prod":           {inv},
			}},
		{name: "configuration file affects everything",
			paths: []string{"tierdeploy.yaml"},
			want: map[string][]string{
				"infrastructure/staging": {"tierdeploy.yaml"},
				"infrastructure/prod":    {"tierdeploy.yaml"},
				"project/staging":        {"tierdeploy.yaml", inv},
				"project/prod":           {"tierdeploy.yaml", inv},
				"monitoring/staging":     {"tierdeploy.yaml"},
				"monitoring/prod":        {"tierdeploy.yaml"},
			}},
		{name: "reasons keep the path order",
			paths: []string{"deploy/common.yaml", "project/terraform/main.tf"},
			want: map[string][]string{
				"project/staging": {"deploy/common.yaml", "project/terraform/main.tf"},
				"project/prod":    {"deploy/common.yaml", "project/terraform/main.tf"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := load(t)
			sel, err := tier.Select(tier.Input{Config: cfg, Paths: tt.paths}, deps.New(repo))
			require.NoError(t, err)
			require.Equal(t, tt.want, stacks(sel))
		})
	}
}

func TestSelectOrderAndMatrix(t *testing.T) {
	cfg := load(t)
	sel, err := tier.Select(tier.Input{Config: cfg, All: true}, deps.New(repo))
	require.NoError(t, err)
	var order []string
	for _, s := range sel.Stacks {
		order = append(order, s.Tier+"/"+s.Environment)
		require.Equal(t, []tier.Reason{{Kind: tier.SelectedAll}}, s.Reasons)
	}
	// infrastructure comes before project, which needs it, although the
	// configuration lists project first; monitoring keeps its place.
	require.Equal(t, []string{
		"infrastructure/staging", "infrastructure/prod",
		"project/staging", "project/prod",
		"monitoring/staging", "monitoring/prod",
	}, order)
	m := sel.Matrix()
	require.Len(t, m.Include, 6)
	require.Equal(t, tier.MatrixEntry{Tier: "infrastructure", Environment: "staging"}, m.Include[0])
}

func TestSelectFilters(t *testing.T) {
	cfg := load(t)
	sel, err := tier.Select(tier.Input{Config: cfg, All: true, Tiers: []string{"project"}, Environments: []string{"prod"}}, deps.New(repo))
	require.NoError(t, err)
	require.Equal(t, map[string][]string{"project/prod": {"selected with --all"}}, stacks(sel))

	_, err = tier.Select(tier.Input{Config: cfg, Tiers: []string{"nope"}}, deps.New(repo))
	require.EqualError(t, err, `tier "nope" is not in the configuration (configured: project, infrastructure, monitoring)`)
	_, err = tier.Select(tier.Input{Config: cfg, Environments: []string{"dev"}}, deps.New(repo))
	require.EqualError(t, err, `environment "dev" is not in the configuration (configured: staging, prod)`)
}

func TestSelectBadModuleSource(t *testing.T) {
	cfg := load(t)
	broken := fstest.MapFS{}
	for k, v := range repo {
		broken[k] = v
	}
	broken["terraform/environments/prod/main.tf"] = &fstest.MapFile{Data: []byte(`module "x" {`)}
	_, err := tier.Select(tier.Input{Config: cfg, Paths: []string{"x"}}, deps.New(broken))
	require.ErrorContains(t, err, "tier infrastructure: find modules of terraform/environments/prod: parse terraform/environments/prod/main.tf")
}
