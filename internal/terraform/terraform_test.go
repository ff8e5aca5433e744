package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// TestTerraformSmoke runs the stage on HashiCorp Terraform 1.5.7 instead of
// OpenTofu: plan, apply, outputs and a refresh-only plan of testdata/basic,
// with the providers from the same filesystem mirror.
func TestTerraformSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: runs terraform")
	}
	bin := testtools.Require(t, "terraform", filepath.Join("bin", "terraform"))
	t.Parallel()
	dir := copyConfig(t, "basic")
	s, logs := newStage(t, bin, dir, nil)

	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	assert.True(t, r.HasChanges)
	assert.Equal(t, plan.Counts{Add: 6}, r.Counts)
	assert.Contains(t, r.Diff, "Terraform will perform the following actions")
	assert.Contains(t, r.Secrets, testPassword)
	assertNoSecret(t, r, logs.String())

	require.NoError(t, s.Apply(t.Context(), s.PlanFile()))
	assert.Contains(t, logs.String(), `msg="Terraform 1.5.7"`, "apply -json names the binary's version")
	outs, err := s.Outputs(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, `"alpha"`, string(outs["app_name"].Value))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "motd.txt"), []byte("edited\n"), 0o644))
	drift, err := s.Plan(t.Context(), PlanOptions{RefreshOnly: true})
	require.NoError(t, err)
	assert.True(t, drift.HasChanges)
	assert.Equal(t, []string{"refresh-only: 1 drifted"}, drift.Notes)
}
