package tier_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const policyYAML = `version: 1
environments:
  - name: staging
  - name: prod
tiers:
  - name: infrastructure
    terraform:
      dir: terraform/{environment}
    publishes_inventory: true
    policies: [policy/terraform, "policy/{environment}"]
    checks:
      - name: cost
        command: [checks/cost.sh, "{plan_json}"]
      - name: trivy
        command: [trivy, config, --severity=HIGH]
      - name: budget
        command: [sh, checks/budget.sh, "{plan_json}"]
      - name: tags
        command: [python3, tags.py, ../outside.py, "echo checks/x.sh"]
  - name: project
    needs: [infrastructure]
    helm:
      - release: web
        chart: charts/web
    policies: [policy/helm]
`

var policyRepo = fstest.MapFS{
	"terraform/staging/main.tf": {},
	"terraform/prod/main.tf":    {},
	"charts/web/Chart.yaml":     {Data: []byte("apiVersion: v2\nname: web\nversion: 0.1.0\n")},
	"policy/terraform/s3.rego":  {},
	"policy/staging/rds.rego":   {},
	"policy/prod/rds.rego":      {},
	"policy/helm/images.rego":   {},
	"checks/cost.sh":            {},
	"checks/budget.sh":          {},
	"tags.py":                   {},
}

func TestPolicyChangesSelectTheirTier(t *testing.T) {
	const inv = "needs infrastructure (inventory may change)"
	cfg, err := config.Parse("tierdeploy.yaml", []byte(policyYAML))
	require.NoError(t, err)
	require.NoError(t, cfg.Check(policyRepo))
	tests := []struct {
		path string
		want map[string][]string
	}{
		{"policy/terraform/s3.rego", map[string][]string{
			"infrastructure/staging": {"policy/terraform/s3.rego"}, "infrastructure/prod": {"policy/terraform/s3.rego"},
			"project/staging": {inv}, "project/prod": {inv},
		}},
		{"policy/terraform/lib/helpers.rego", map[string][]string{
			"infrastructure/staging": {"policy/terraform/lib/helpers.rego"}, "infrastructure/prod": {"policy/terraform/lib/helpers.rego"},
			"project/staging": {inv}, "project/prod": {inv},
		}},
		{"policy/terraform/exceptions.yaml", map[string][]string{
			"infrastructure/staging": {"policy/terraform/exceptions.yaml"}, "infrastructure/prod": {"policy/terraform/exceptions.yaml"},
			"project/staging": {inv}, "project/prod": {inv},
		}},
		{"policy/prod/rds.rego", map[string][]string{"infrastructure/prod": {"policy/prod/rds.rego"}, "project/prod": {inv}}},
		{"policy/staging/rds.rego", map[string][]string{"infrastructure/staging": {"policy/staging/rds.rego"}, "project/staging": {inv}}},
		{"policy/dev/rds.rego", map[string][]string{}},
		{"policy/helm/images.rego", map[string][]string{"project/staging": {"policy/helm/images.rego"}, "project/prod": {"policy/helm/images.rego"}}},
		{"checks/cost.sh", map[string][]string{
			"infrastructure/staging": {"checks/cost.sh"}, "infrastructure/prod": {"checks/cost.sh"},
			"project/staging": {inv}, "project/prod": {inv},
		}},
		// Scripts given to an interpreter are the tier's too.
		{"checks/budget.sh", map[string][]string{
			"infrastructure/staging": {"checks/budget.sh"}, "infrastructure/prod": {"checks/budget.sh"},
			"project/staging": {inv}, "project/prod": {inv},
		}},
		{"tags.py", map[string][]string{
			"infrastructure/staging": {"tags.py"}, "infrastructure/prod": {"tags.py"},
			"project/staging": {inv}, "project/prod": {inv},
		}},
		// Words, shell text and paths outside the repository are not.
		{"config", map[string][]string{}},
		{"sh", map[string][]string{}},
		{"checks/x.sh", map[string][]string{}},
		{"outside.py", map[string][]string{}},
		// Only the policy tests read these: nothing is planned again.
		{"policy/terraform/s3_test.rego", map[string][]string{}},
		{"policy/terraform/testdata/public_bucket.json", map[string][]string{}},
		{"policy/helm/testdata/deep/meltano.json", map[string][]string{}},
		{"policy/prod/rds_test.rego", map[string][]string{}},
		// Neither a sibling nor a prefix of a policy directory.
		{"policy/terraform-old/s3.rego", map[string][]string{}},
		{"policy/README.md", map[string][]string{}},
		{"trivy", map[string][]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			sel, err := tier.Select(tier.Input{Config: cfg, Paths: []string{tt.path}}, deps.New(policyRepo))
			require.NoError(t, err)
			assert.Equal(t, tt.want, stacks(sel))
		})
	}
}

func TestPolicyTestOnly(t *testing.T) {
	for rel, want := range map[string]bool{
		"s3.rego": false, "s3_test.rego": true, "lib/x_test.rego": true, "testdata/a.json": true,
		"a/testdata/b/c.yaml": true, "testdata.rego": false, "data.yaml": false, "mytestdata/a.json": false,
	} {
		assert.Equal(t, want, config.PolicyTestOnly(rel), rel)
	}
}
