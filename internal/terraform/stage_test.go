package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// TestLifecycle drives one configuration through creates, a no-op, updates,
// replacements, deletes and drift, applying in between.
func TestLifecycle(t *testing.T) { forEachProduct(t, testLifecycle) }

func testLifecycle(t *testing.T, bin string) {
	dir := copyConfig(t, "basic")
	s, logs := newStage(t, bin, dir, nil)
	ctx := t.Context()

	// First plan: everything is created.
	created, err := s.Plan(ctx, PlanOptions{})
	require.NoError(t, err)
	assert.True(t, created.HasChanges)
	assert.Equal(t, plan.Counts{Add: 6}, created.Counts)
	assert.Equal(t, map[string]plan.Action{
		"terraform_data.app": plan.Create, "terraform_data.rotated": plan.Create,
		"terraform_data.extra[0]": plan.Create, "terraform_data.credentials": plan.Create,
		"random_pet.server": plan.Create, "local_file.motd": plan.Create,
	}, addresses(created))
	assert.Equal(t, "local_file.motd", created.Resources[0].Address, "resources are sorted by address")
	assert.Equal(t, plan.Stack{Tier: "infrastructure", Environment: "test"}, created.Stack)
	assert.Equal(t, plan.Terraform, created.Kind)
	assert.Equal(t, "basic", created.Name)
	assert.Contains(t, created.Diff, "terraform_data.app will be created")
	assert.Positive(t, created.Duration)
	require.Len(t, created.Outputs, 4)
	assert.Equal(t, plan.OutputChange{Name: "pet", Action: plan.Create, AfterUnknown: true}, created.Outputs[3])
	assert.Contains(t, created.Secrets, testPassword)
	assert.Contains(t, created.Secrets, "postgres://admin:"+testPassword+"@db.internal/app")
	assertNoSecret(t, created, logs.String())
	planFile := s.PlanFile()
	require.FileExists(t, planFile)
	require.FileExists(t, planFile+".json")
	assert.True(t, strings.HasPrefix(planFile, s.opts.WorkDir), "plan file %s is not in the work dir", planFile)

	// The same change planned again has the same fingerprint, although
	// random_pet's ID and local_file's hashes are unknown.
	again, err := s.Plan(ctx, PlanOptions{})
	require.NoError(t, err)
	assert.Equal(t, created.Fingerprint, again.Fingerprint)

	require.NoError(t, s.Apply(ctx, s.PlanFile()))
	outs, err := s.Outputs(ctx)
	require.NoError(t, err)
	assert.JSONEq(t, `"alpha"`, string(outs["app_name"].Value))
	assert.JSONEq(t, `"string"`, string(outs["app_name"].Type))
	assert.True(t, outs["db_password"].Sensitive)
	assert.JSONEq(t, fmt.Sprintf("%q", testPassword), string(outs["db_password"].Value))
	assert.NotEmpty(t, string(outs["pet"].Value))

	// Nothing changed: no changes, and the fingerprint of no change.
	noop, err := s.Plan(ctx, PlanOptions{})
	require.NoError(t, err)
	assert.False(t, noop.HasChanges)
	assert.Zero(t, noop.Counts)
	assert.Empty(t, noop.Resources)
	assert.Empty(t, noop.Outputs)
	assert.Equal(t, plan.Fingerprint(plan.Terraform, nil), noop.Fingerprint)

	steps := []struct {
		name      string
		vars      string
		counts    plan.Counts
		resources map[string]plan.Action
		outputs   []string
	}{
		{
			name:   "input changed",
			vars:   `name = "beta"`,
			counts: plan.Counts{Change: 1, Replace: 1},
			resources: map[string]plan.Action{
				"terraform_data.app": plan.Update, "local_file.motd": plan.Replace,
			},
			outputs: []string{"app_name"},
		},
		{
			name:   "triggers_replace",
			vars:   "revision = 2",
			counts: plan.Counts{Replace: 2},
			resources: map[string]plan.Action{
				"terraform_data.rotated": plan.Replace, "random_pet.server": plan.Replace,
			},
			outputs: []string{"pet"},
		},
		{
			name:      "removed",
			vars:      "extra = false",
			counts:    plan.Counts{Destroy: 1},
			resources: map[string]plan.Action{"terraform_data.extra[0]": plan.Delete},
		},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			vars := writeVars(t, dir, "step.tfvars", step.vars)
			st, logs := newStage(t, bin, dir, func(o *Options) { o.VarFiles = []string{vars} })
			r, err := st.Plan(t.Context(), PlanOptions{})
			require.NoError(t, err)
			assert.True(t, r.HasChanges)
			assert.Equal(t, step.counts, r.Counts)
			assert.Equal(t, step.resources, addresses(r))
			var outputs []string
			for _, o := range r.Outputs {
				outputs = append(outputs, o.Name)
			}
			assert.Equal(t, step.outputs, outputs)
			assert.NotEqual(t, created.Fingerprint, r.Fingerprint)
			assertNoSecret(t, r, logs.String())
		})
	}
	t.Run("replace reason", func(t *testing.T) {
		vars := writeVars(t, dir, "step.tfvars", "revision = 3")
		st, _ := newStage(t, bin, dir, func(o *Options) { o.VarFiles = []string{vars} })
		r, err := st.Plan(t.Context(), PlanOptions{})
		require.NoError(t, err)
		for _, rc := range r.Resources {
			if rc.Address == "terraform_data.rotated" {
				assert.Equal(t, "replace because cannot update", rc.Reason)
			}
		}
	})
	t.Run("fingerprint follows the change", func(t *testing.T) {
		fingerprint := func(vars string) string {
			name := writeVars(t, dir, "fp.tfvars", vars)
			st, _ := newStage(t, bin, dir, func(o *Options) { o.VarFiles = []string{name} })
			r, err := st.Plan(t.Context(), PlanOptions{})
			require.NoError(t, err)
			return r.Fingerprint
		}
		beta := fingerprint(`name = "beta"`)
		assert.Equal(t, beta, fingerprint(`name = "beta"`))
		assert.NotEqual(t, beta, fingerprint(`name = "gamma"`))
	})

	// Drift: the file local_file wrote is edited by hand.
	planFile = s.PlanFile()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "motd.txt"), []byte("edited\n"), 0o644))
	drift, err := s.Plan(ctx, PlanOptions{RefreshOnly: true})
	require.NoError(t, err)
	assert.True(t, drift.HasChanges)
	assert.Equal(t, map[string]plan.Action{"local_file.motd": plan.Delete}, addresses(drift))
	assert.Zero(t, drift.Counts)
	assert.Equal(t, []string{"refresh-only: 1 drifted"}, drift.Notes)
	assert.Equal(t, planFile, s.PlanFile(), "a refresh-only plan replaced the plan file")
	pending, err := s.Plan(ctx, PlanOptions{})
	require.NoError(t, err)
	assert.Equal(t, plan.Counts{Add: 1}, pending.Counts)
	assert.NotContains(t, logs.String(), testPassword, "a sensitive value reached the log of plans, apply or outputs")
}

// assertNoSecret checks that the sensitive values of testdata/basic are in
// the result's secrets only: not in its diff, resources, outputs or notes,
// nor in the log.
func assertNoSecret(t *testing.T, r plan.Result, log string) {
	t.Helper()
	secrets := r.Secrets
	r.Secrets = nil
	r.Err = nil
	text := fmt.Sprintf("%+v\n%s", r, log)
	assert.NotContains(t, text, testPassword)
	for _, s := range secrets {
		if len(s) >= 4 {
			assert.NotContains(t, text, s)
		}
	}
}
