package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
)

const valid = `version: 1
terraform:
  binary: tofu
  lock_timeout: 2m
inventory:
  store: ssm
  ssm:
    name: /meltano/{environment}/inventory
    region: us-east-1
    kms_key_id: alias/meltano
environments:
  - name: staging
  - name: prod
    kube_context: prod-cluster
tiers:
  - name: infrastructure
    paths: ["terraform/**"]
    terraform:
      dir: terraform/environments/{environment}
      var_files: ["terraform/{environment}.tfvars"]
    publishes_inventory: true
    sensitive_outputs: [db_password]
  - name: project
    needs: [infrastructure]
    paths: ["charts/**", "deploy/**"]
    helm:
      - release: meltano
        namespace: meltano
        chart: charts/meltano
        values: [deploy/meltano/values.yaml]
        inventory_values:
          database.host: meltano_database.host
        timeout: 10m
      - release: airflow
        namespace: airflow
        chart: airflow
        repo: https://airflow.apache.org
        version: 1.15.0
        needs: [meltano]
`

func TestParseValid(t *testing.T) {
	cfg, err := Parse("tierdeploy.yaml", []byte(valid))
	require.NoError(t, err)
	require.Equal(t, []string{"staging", "prod"}, cfg.EnvironmentNames())
	require.Equal(t, StoreSSM, cfg.StoreKind())
	require.Equal(t, Duration(2*time.Minute), cfg.Terraform.LockTimeout)
	infra := cfg.Tier("infrastructure")
	require.NotNil(t, infra)
	require.True(t, infra.PublishesInventory)
	require.Equal(t, "terraform/environments/{environment}", infra.Terraform.Dir)
	project := cfg.Tier("project")
	require.Len(t, project.Helm, 2)
	require.Equal(t, "meltano_database.host", project.Helm[0].InventoryValues["database.host"])
	require.Equal(t, Duration(10*time.Minute), project.Helm[0].Timeout)
	require.True(t, project.Helm[0].IsLocalChart())
	require.False(t, project.Helm[1].IsLocalChart())
	require.Equal(t, "prod-cluster", cfg.Environment("prod").KubeContext)
	require.Equal(t, infra, cfg.Publisher())
	pos, ok := cfg.Position("tiers[1].helm[0].chart")
	require.True(t, ok)
	require.Equal(t, 29, pos.Line)
}

func TestParseDefaults(t *testing.T) {
	cfg, err := Parse("tierdeploy.yaml", []byte("version: 1\ntiers:\n  - name: infra\n    terraform:\n      dir: infra\n"))
	require.NoError(t, err)
	require.Equal(t, []string{DefaultEnvironment}, cfg.EnvironmentNames())
	require.Equal(t, StoreFile, cfg.StoreKind())
	require.Equal(t, ".tierdeploy/inventory", cfg.FileStoreDir())
	require.Nil(t, cfg.Publisher())
}

// replace returns valid with old replaced by new, failing if old is absent.
func replace(t *testing.T, old, new string) string {
	t.Helper()
	require.Contains(t, valid, old)
	return strings.Replace(valid, old, new, 1)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string // empty: use edit
		edit func(t *testing.T) string
		want []string // each must appear in the error text
	}{
		{name: "empty file", yaml: "\n", want: []string{"tierdeploy.yaml: is empty"}},
		{name: "not yaml", yaml: "version: 1\ntiers: [\n", want: []string{"tierdeploy.yaml:2: is not valid YAML"}},
		{name: "unquoted placeholder in a flow list", yaml: "version: 1\ntiers:\n  - name: a\n    terraform:\n      dir: a\n      var_files: [a/{environment}.tfvars]\n",
			want: []string{"tierdeploy.yaml:5: is not valid YAML", `quote values holding {environment} inside [ ] lists, e.g. ["a/{environment}.tfvars"]`}},
		{name: "two documents", yaml: "version: 1\n---\nversion: 1\n", want: []string{"more than one YAML document"}},
		{name: "missing version", yaml: "tiers:\n  - name: a\n    terraform: {dir: a}\n", want: []string{"tierdeploy.yaml:1: version: is missing: add version: 1"}},
		{name: "wrong version", edit: func(t *testing.T) string { return replace(t, "version: 1", "version: 2") }, want: []string{"tierdeploy.yaml:1:10: version: is 2, but this tierdeploy reads version 1 only"}},
		{name: "unknown top key", edit: func(t *testing.T) string { return replace(t, "terraform:\n  binary", "terrafrom:\n  binary") }, want: []string{`tierdeploy.yaml:2:1: terrafrom: is not a known key (did you mean "terraform"?)`}},
		{name: "unknown nested key", edit: func(t *testing.T) string { return replace(t, "      - release: meltano", "      - relase: meltano") }, want: []string{`tierdeploy.yaml:27:9: tiers[1].helm[0].relase: is not a known key (did you mean "release"?)`}},
		{name: "unknown key without suggestion", edit: func(t *testing.T) string { return replace(t, "    publishes_inventory: true", "    colour: blue") }, want: []string{"tiers[0].colour: is not a known key (known: checks, cluster, helm, name, needs, paths, policies, publishes_inventory, sensitive_outputs, terraform)"}},
		{name: "wrong type bool", edit: func(t *testing.T) string {
			return replace(t, "publishes_inventory: true", "publishes_inventory: yes please")
		}, want: []string{`tierdeploy.yaml:21:26: tiers[0].publishes_inventory: must be true or false, not "yes please"`}},
		{name: "wrong type list", edit: func(t *testing.T) string { return replace(t, `paths: ["terraform/**"]`, `paths: "terraform/**"`) }, want: []string{`tiers[0].paths: must be a list, not "terraform/**"`}},
		{name: "wrong type mapping", edit: func(t *testing.T) string {
			return replace(t, "terraform:\n  binary: tofu\n  lock_timeout: 2m", "terraform: [tofu]")
		}, want: []string{"tierdeploy.yaml:2:12: terraform: must be a mapping of keys to values, not a list"}},
		{name: "wrong type string", edit: func(t *testing.T) string { return replace(t, "dir: terraform/environments/{environment}", "dir: [a]") }, want: []string{"tiers[0].terraform.dir: must be a string, not a list"}},
		{name: "bad duration", edit: func(t *testing.T) string { return replace(t, "lock_timeout: 2m", "lock_timeout: soon") }, want: []string{`terraform.lock_timeout: must be a duration such as "90s" or "5m", not "soon"`}},
		{name: "duplicate key", edit: func(t *testing.T) string { return replace(t, "  binary: tofu", "  binary: tofu\n  binary: terraform") }, want: []string{"tierdeploy.yaml:4:3: terraform.binary: is set twice"}},
		{name: "duplicate tier", edit: func(t *testing.T) string { return replace(t, "- name: project", "- name: infrastructure") }, want: []string{`tiers[1].name: tier "infrastructure" is already defined at tiers[0]`}},
		{name: "duplicate environment", edit: func(t *testing.T) string { return replace(t, "- name: prod", "- name: staging") }, want: []string{`environments[1].name: environment "staging" is already defined at environments[0]`}},
		{name: "needs missing tier", edit: func(t *testing.T) string { return replace(t, "needs: [infrastructure]", "needs: [infrastucture]") }, want: []string{`tierdeploy.yaml:24:13: tiers[1].needs[0]: tier "infrastucture" is not defined (did you mean "infrastructure"?)`}},
		{name: "needs itself", edit: func(t *testing.T) string { return replace(t, "needs: [infrastructure]", "needs: [project]") }, want: []string{`tiers[1].needs[0]: tier "project" cannot need itself`}},
		{name: "needs cycle", edit: func(t *testing.T) string {
			return replace(t, "    publishes_inventory: true\n", "    publishes_inventory: true\n    needs: [project]\n")
		}, want: []string{"tiers need each other in a cycle: infrastructure -> project -> infrastructure"}},
		{name: "release needs cycle", edit: func(t *testing.T) string {
			return replace(t, "        timeout: 10m\n", "        timeout: 10m\n        needs: [airflow]\n")
		}, want: []string{"releases need each other in a cycle: meltano -> airflow -> meltano"}},
		{name: "release needs missing", edit: func(t *testing.T) string { return replace(t, "needs: [meltano]", "needs: [superset]") }, want: []string{`tiers[1].helm[1].needs[0]: release "superset" is not defined in tier "project"`}},
		{name: "invalid glob", edit: func(t *testing.T) string {
			return replace(t, `paths: ["charts/**", "deploy/**"]`, `paths: ["charts/[a", "deploy/**"]`)
		}, want: []string{`tierdeploy.yaml:25:13: tiers[1].paths[0]: "charts/[a" is not a valid glob`}},
		{name: "absolute glob", edit: func(t *testing.T) string { return replace(t, `"deploy/**"`, `"/deploy/**"`) }, want: []string{`tiers[1].paths[1]: "/deploy/**" must be relative to the repository root`}},
		{name: "dir escapes", edit: func(t *testing.T) string {
			return replace(t, "dir: terraform/environments/{environment}", "dir: ../elsewhere")
		}, want: []string{`tiers[0].terraform.dir: must be a relative path inside the repository, not "../elsewhere"`}},
		{name: "missing dir", edit: func(t *testing.T) string { return replace(t, "dir: terraform/environments/{environment}", "dir: ''") }, want: []string{"tiers[0].terraform.dir: is required"}},
		{name: "no stage", edit: func(t *testing.T) string {
			return replace(t, "    terraform:\n      dir: terraform/environments/{environment}\n      var_files: [\"terraform/{environment}.tfvars\"]\n    publishes_inventory: true\n    sensitive_outputs: [db_password]\n", "")
		}, want: []string{"tiers[0]: has no stage: add terraform: or helm:"}},
		{name: "publisher without terraform", edit: func(t *testing.T) string {
			return replace(t, "        needs: [meltano]\n", "        needs: [meltano]\n    publishes_inventory: true\n")
		}, want: []string{`publishes_inventory: needs a terraform stage`, `tier "infrastructure" already publishes the inventory`}},
		{name: "inventory_values without publisher", edit: func(t *testing.T) string { return replace(t, "    needs: [infrastructure]\n", "") }, want: []string{`tiers[1].helm[0].inventory_values: maps inventory values, but tier "project" does not need the tier that publishes the inventory`}},
		{name: "bad release name", edit: func(t *testing.T) string { return replace(t, "release: meltano", "release: Meltano_UI") }, want: []string{`tiers[1].helm[0].release: "Meltano_UI" is not a valid release name`}},
		{name: "repo chart without version", edit: func(t *testing.T) string { return replace(t, "        version: 1.15.0\n", "") }, want: []string{"tiers[1].helm[1]: has no chart"[:0] + "tiers[1].helm[1].version: is required for a chart from a repository"}},
		{name: "store unknown", edit: func(t *testing.T) string { return replace(t, "store: ssm", "store: s3") }, want: []string{`inventory.store: must be ssm or file, not "s3"`}},
		{name: "ssm name shared", edit: func(t *testing.T) string { return replace(t, "/meltano/{environment}/inventory", "/meltano/inventory") }, want: []string{"inventory.ssm.name: is shared by 2 environments"}},
		{name: "ssm name relative path", edit: func(t *testing.T) string {
			return replace(t, "/meltano/{environment}/inventory", "meltano/{environment}/inventory")
		}, want: []string{"inventory.ssm.name: must begin with /"}},
		{name: "binary", edit: func(t *testing.T) string { return replace(t, "binary: tofu", "binary: terragrunt") }, want: []string{`terraform.binary: must be tofu, terraform or a path to one of them, not "terragrunt"`}},
		{name: "several problems at once", edit: func(t *testing.T) string {
			return replace(t, "release: meltano", "release: Meltano") + "extra: 1\n"
		}, want: []string{"tierdeploy.yaml has 1 problems"[:0] + "extra: is not a known key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.yaml
			if tt.edit != nil {
				src = tt.edit(t)
			}
			_, err := Parse("tierdeploy.yaml", []byte(src))
			require.Error(t, err)
			var errs *Errors
			require.ErrorAs(t, err, &errs)
			for _, w := range tt.want {
				require.Contains(t, err.Error(), w)
			}
			for _, p := range errs.Problems {
				require.Equal(t, "tierdeploy.yaml", p.File)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	src := strings.Replace(valid, "namespace: meltano", "namespace: Meltano", 1)
	src = strings.Replace(src, "store: ssm", "store: s3", 1)
	_, err := Parse("tierdeploy.yaml", []byte(src))
	var errs *Errors
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs.Problems, 2)
	// In file order.
	require.Equal(t, "inventory.store", errs.Problems[0].Key)
	require.Equal(t, "tiers[1].helm[0].namespace", errs.Problems[1].Key)
	require.True(t, strings.HasPrefix(err.Error(), "tierdeploy.yaml has 2 problems:\n"))
}

func TestCheckFiles(t *testing.T) {
	cfg, err := Parse("tierdeploy.yaml", []byte(valid))
	require.NoError(t, err)
	complete := fstest.MapFS{
		"terraform/environments/staging/main.tf": {},
		"terraform/environments/prod/main.tf":    {},
		"terraform/staging.tfvars":               {},
		"terraform/prod.tfvars":                  {},
		"charts/meltano/Chart.yaml":              {},
		"deploy/meltano/values.yaml":             {},
	}
	require.NoError(t, cfg.Check(complete))

	tests := []struct {
		name   string
		remove []string
		add    fstest.MapFS
		want   string
	}{
		{name: "stage dir missing in one environment", remove: []string{"terraform/environments/prod/main.tf"},
			want: "tierdeploy.yaml:19:12: tiers[0].terraform.dir: directory terraform/environments/prod does not exist"},
		{name: "stage dir missing everywhere", remove: []string{"terraform/environments/prod/main.tf", "terraform/environments/staging/main.tf"},
			want: "tiers[0].terraform.dir: directory does not exist for 2 environments: terraform/environments/staging, terraform/environments/prod"},
		{name: "var file missing", remove: []string{"terraform/staging.tfvars"},
			want: "tiers[0].terraform.var_files[0]: file terraform/staging.tfvars does not exist"},
		{name: "chart missing", remove: []string{"charts/meltano/Chart.yaml"},
			want: "tiers[1].helm[0].chart: directory charts/meltano does not exist"},
		{name: "values missing", remove: []string{"deploy/meltano/values.yaml"},
			want: "tiers[1].helm[0].values[0]: file deploy/meltano/values.yaml does not exist"},
		{name: "values is a directory", remove: []string{"deploy/meltano/values.yaml"}, add: fstest.MapFS{"deploy/meltano/values.yaml/x": {}},
			want: "tiers[1].helm[0].values[0]: deploy/meltano/values.yaml is a directory, not a file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range complete {
				fsys[k] = v
			}
			for _, r := range tt.remove {
				delete(fsys, r)
			}
			for k, v := range tt.add {
				fsys[k] = v
			}
			err := cfg.Check(fsys)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "infra"), 0o755))
	p := filepath.Join(dir, "tierdeploy.yaml")
	require.NoError(t, os.WriteFile(p, []byte("version: 1\ntiers:\n  - name: infra\n    terraform: {dir: infra}\n"), 0o644))
	cfg, err := Load(p)
	require.NoError(t, err)
	require.Equal(t, dir, cfg.Root)
	require.Equal(t, "tierdeploy.yaml", cfg.File)

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	require.ErrorIs(t, err, ErrNotFound)

	require.NoError(t, os.WriteFile(p, []byte("version: 1\ntiers:\n  - name: infra\n    terraform: {dir: nope}\n"), 0o644))
	_, err = Load(p)
	require.ErrorContains(t, err, "tierdeploy.yaml:4:22: tiers[0].terraform.dir: directory nope does not exist")
}

func TestSuggest(t *testing.T) {
	tests := map[string]struct {
		in   string
		want string
	}{
		"one letter off":   {"relase", "release"},
		"transposed":       {"nedes", "needs"},
		"too far":          {"colour", ""},
		"short and far":    {"ab", ""},
		"exact is no typo": {"paths", "paths"},
		"prefix":           {"rel", "release"},
	}
	candidates := []string{"release", "needs", "paths", "helm"}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tt.want, suggest(tt.in, candidates))
		})
	}
}

func TestReleaseOrder(t *testing.T) {
	tr := Tier{Helm: []Release{
		{Release: "web", Needs: []string{"db", "cache"}},
		{Release: "cache"},
		{Release: "db", Needs: []string{"operator"}},
		{Release: "operator"},
		{Release: "jobs"},
	}}
	var got []string
	for _, r := range tr.ReleaseOrder() {
		got = append(got, r.Release)
	}
	require.Equal(t, []string{"cache", "operator", "db", "web", "jobs"}, got)
}

func TestReleaseExpanded(t *testing.T) {
	r := Release{Release: "app", Chart: "charts/{environment}", Namespace: "app-{environment}", Values: []string{"v/{environment}.yaml", "v/common.yaml"}}
	e := r.Expanded("prod")
	require.Equal(t, "charts/prod", e.Chart)
	require.Equal(t, "app-prod", e.Namespace)
	require.Equal(t, []string{"v/prod.yaml", "v/common.yaml"}, e.Values)
	require.Equal(t, "v/{environment}.yaml", r.Values[0], "the original is unchanged")
}
