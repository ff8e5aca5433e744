package helm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v4/pkg/chart/common"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// repoRoot returns the repository root.
func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

// referenceRelease returns a release of the reference configuration,
// with {environment} expanded for staging.
func referenceRelease(t testing.TB, name string) config.Release {
	t.Helper()
	cfg, err := config.Load(filepath.Join(repoRoot(t), "tierdeploy.reference.yaml"))
	require.NoError(t, err)
	for _, r := range cfg.Tier("project").Helm {
		if r.Release == name {
			return r.Expanded("staging")
		}
	}
	t.Fatalf("release %s is not in tierdeploy.reference.yaml", name)
	return config.Release{}
}

// referenceInventory is the example inventory of the reference deployment.
func referenceInventory(t testing.TB) *inventory.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "test", "reference", "testdata", "inventory.json"))
	require.NoError(t, err)
	doc, err := inventory.Parse(data)
	require.NoError(t, err)
	return doc
}

// predictedOutputs are the outputs a plan that replaces the database, the
// registry, the IAM roles and the EFS volume knows only after apply.
var predictedOutputs = []string{"registry", "meltano_database", "service_accounts", "storage"}

// meltanoOptions returns the reference meltano release on c, planned
// against the example inventory with predictedOutputs unknown.
func meltanoOptions(t *testing.T, c *cluster) Options {
	t.Helper()
	// The chart needs a recent Kubernetes.
	caps := common.DefaultCapabilities.Copy()
	caps.KubeVersion = common.KubeVersion{Version: "v1.35.0", Major: "1", Minor: "35"}
	c.cfg.Capabilities = caps
	opts := stageOptions(t, c)
	opts.Root = repoRoot(t)
	opts.Stack = plan.Stack{Tier: "project", Environment: "staging"}
	opts.Release = referenceRelease(t, "meltano")
	opts.Release.Namespace = "app"
	opts.Inventory = referenceInventory(t)
	opts.KnownAfterApply = predictedOutputs
	return opts
}

func TestPlanStandInsKeepTheSchemaChecked(t *testing.T) {
	c := fakeCluster(t)
	res, err := newStage(t, meltanoOptions(t, c)).Plan(t.Context())
	require.NoError(t, err)
	assert.True(t, res.HasChanges)

	got := map[string]string{}
	for _, u := range res.Unchecked {
		got[u.Name] = u.Reason
	}
	standIn := func(key, v string) string {
		return "known only after apply (inventory key " + key + "); planned with the stand-in " + v +
			", which satisfies the chart's schema; apply checks the real value"
	}
	assert.Equal(t, map[string]string{
		"image.repository":            standIn("registry.meltano", `"known-after-apply"`),
		"serviceAccount.name":         standIn("service_accounts.meltano.name", `"known-after-apply"`),
		"serviceAccount.roleArn":      standIn("service_accounts.meltano.role_arn", `"arn:aws:iam::000000000000:role/known-after-apply"`),
		"jobs.serviceAccount.name":    standIn("service_accounts.meltano_jobs.name", `"known-after-apply"`),
		"jobs.serviceAccount.roleArn": standIn("service_accounts.meltano_jobs.role_arn", `"arn:aws:iam::000000000000:role/known-after-apply"`),
		"database.host":               standIn("meltano_database.host", `"known-after-apply"`),
		"database.port":               standIn("meltano_database.port", "1"),
		"database.name":               standIn("meltano_database.name", `"known-after-apply"`),
		"database.username":           standIn("meltano_database.username", `"known-after-apply"`),
		"logs.claimName":              standIn("storage.claim_name", `"known-after-apply"`),
		"logs.efs.volumeHandle":       standIn("storage.volume_handle", `"fs-a:known-after-apply"`),
	}, got)
	assert.Contains(t, res.Diff, "image: known-after-apply:")
	assert.Contains(t, res.Diff, "eks.amazonaws.com/role-arn: arn:aws:iam::000000000000:role/known-after-apply")
	assert.Contains(t, res.Diff, "volumeHandle: fs-a:known-after-apply")
	assert.NotContains(t, strings.Join(res.Notes, "\n"), "without schema validation")
}

func TestPlanStandInsStillReportOtherSchemaViolations(t *testing.T) {
	c := fakeCluster(t)
	opts := meltanoOptions(t, c)
	opts.Set = []config.SetEntry{{Path: "database.sslmode", Value: "sometimes", Template: "sometimes"}}
	_, err := newStage(t, opts).Plan(t.Context())
	var se *SchemaError
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Violations, 1)
	assert.True(t, strings.HasPrefix(se.Violations[0], "/database/sslmode: "), se.Violations[0])
}

func TestPlanWithoutAStandInSkipsTheSchemaForThatRender(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.Chart = "charts/typed"
	opts.Release.Release = "typed"
	opts.Release.InventoryValues = map[string]string{"port": "database.port", "host": "database.host", "odd": "database.odd"}
	opts.Inventory = testInventory(t)
	opts.KnownAfterApply = []string{"database"}
	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []plan.Unchecked{
		{Name: "host", Reason: "known only after apply (inventory key database.host); planned with the stand-in \"known-after-apply.internal\", " +
			"which satisfies the chart's schema; apply checks the real value"},
		{Name: "odd", Reason: "known only after apply (inventory key database.odd); planned as (known after apply); no stand-in satisfies " +
			"the chart's schema there ('not' failed), so this plan renders without schema validation; apply checks the real value"},
		{Name: "port", Reason: "known only after apply (inventory key database.port); planned with the stand-in 1024, " +
			"which satisfies the chart's schema; apply checks the real value"},
	}, res.Unchecked)
	assert.Contains(t, res.Notes, "planned with stand-ins for host, odd, port: the infrastructure plan knows these inventory values "+
		"only after apply; rendered without schema validation, since no stand-in satisfies the chart's schema for all of them")
	assert.Contains(t, res.Diff, "+  port: \"1024\"\n")

	// Apply validates: the real values break the schema.
	opts.KnownAfterApply = nil
	opts.Release.InventoryValues = map[string]string{"port": "database.port", "host": "database.host"}
	_, err = newStage(t, opts).Apply(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "values don't meet the specifications of the schema")
	assert.Contains(t, err.Error(), "port")
}

func TestPlanStandInsWithSkipSchemaValidation(t *testing.T) {
	c := fakeCluster(t)
	opts := meltanoOptions(t, c)
	opts.Release.SkipSchemaValidation = true
	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	require.NotEmpty(t, res.Unchecked)
	for _, u := range res.Unchecked {
		assert.Contains(t, u.Reason, "planned as (known after apply); skip_schema_validation is set")
	}
	assert.Contains(t, res.Diff, "image: (known after apply):")
}
