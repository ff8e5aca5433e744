package reference

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// TestPolicyChangesSelectTheirStacks: a change to a policy of the
// reference set plans the stacks it checks, in the environments it checks;
// a change to its tests or fixtures plans nothing.
func TestPolicyChangesSelectTheirStacks(t *testing.T) {
	cfg := loadConfig(t)
	tests := map[string][]string{
		"policy/terraform/s3.rego":                     {"infrastructure/staging", "infrastructure/prod", "project/staging", "project/prod"},
		"policy/prod/rds.rego":                         {"infrastructure/prod", "project/prod"},
		"policy/staging/rds.rego":                      {"infrastructure/staging", "project/staging"},
		"policy/helm/images.rego":                      {"project/staging", "project/prod"},
		"policy/helm/image_exceptions.yaml":            {"project/staging", "project/prod"},
		"policy/terraform/s3_test.rego":                nil,
		"policy/terraform/testdata/public_bucket.json": nil,
		"policy/helm/testdata/meltano.json":            nil,
	}
	for path, want := range tests {
		_, err := os.Stat(repoRoot(t) + "/" + path)
		require.NoError(t, err, "the reference policy set has %s", path)
		sel, err := tier.Select(tier.Input{Config: cfg, Paths: []string{path}}, deps.New(os.DirFS(repoRoot(t))))
		require.NoError(t, err)
		var got []string
		for _, s := range sel.Stacks {
			got = append(got, s.Key().String())
		}
		assert.ElementsMatch(t, want, got, path)
	}
}
