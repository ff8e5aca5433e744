package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fixture returns testdata/plans/name.json (see TestUpdatePlanFixtures).
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "plans", name+".json"))
	require.NoError(t, err)
	return b
}

// anyValue in an expected output change matches any value that is not
// null: the random pet's name changes when the fixtures are regenerated.
var anyValue = json.RawMessage(`"*"`)

func TestReadPlan(t *testing.T) {
	tests := []struct {
		fixture     string
		refreshOnly bool
		counts      plan.Counts
		resources   []plan.ResourceChange
		outputs     []plan.OutputChange
		drifted     int
	}{
		{
			fixture: "create",
			counts:  plan.Counts{Add: 6},
			resources: []plan.ResourceChange{
				{Address: "local_file.motd", Action: plan.Create},
				{Address: "random_pet.server", Action: plan.Create},
				{Address: "terraform_data.app", Action: plan.Create},
				{Address: "terraform_data.credentials", Action: plan.Create},
				{Address: "terraform_data.extra[0]", Action: plan.Create},
				{Address: "terraform_data.rotated", Action: plan.Create},
			},
			outputs: []plan.OutputChange{
				{Name: "app_name", Action: plan.Create, AfterUnknown: true},
				{Name: "connection", Action: plan.Create, After: json.RawMessage(`"(sensitive value)"`), Sensitive: true},
				{Name: "db_password", Action: plan.Create, After: json.RawMessage(`"(sensitive value)"`), Sensitive: true},
				{Name: "pet", Action: plan.Create, AfterUnknown: true},
			},
		},
		{
			fixture: "update",
			counts:  plan.Counts{Change: 1, Replace: 1},
			resources: []plan.ResourceChange{
				{Address: "local_file.motd", Action: plan.Replace, Reason: "replace because cannot update"},
				{Address: "terraform_data.app", Action: plan.Update},
			},
			outputs: []plan.OutputChange{
				{Name: "app_name", Action: plan.Update, Before: json.RawMessage(`"alpha"`), AfterUnknown: true},
			},
		},
		{
			fixture: "replace",
			counts:  plan.Counts{Replace: 2},
			resources: []plan.ResourceChange{
				{Address: "random_pet.server", Action: plan.Replace, Reason: "replace because cannot update"},
				{Address: "terraform_data.rotated", Action: plan.Replace, Reason: "replace because cannot update"},
			},
			outputs: []plan.OutputChange{{Name: "pet", Action: plan.Update, Before: anyValue, AfterUnknown: true}},
		},
		{
			fixture:   "delete",
			counts:    plan.Counts{Destroy: 1},
			resources: []plan.ResourceChange{{Address: "terraform_data.extra[0]", Action: plan.Delete, Reason: "delete because count index"}},
		},
		{
			fixture:     "drift",
			refreshOnly: true,
			resources:   []plan.ResourceChange{{Address: "local_file.motd", Action: plan.Delete}},
			drifted:     1,
		},
		{
			fixture: "moved-import",
			counts:  plan.Counts{Replace: 1, Import: 1, Move: 1},
			resources: []plan.ResourceChange{
				{Address: "random_string.imported", Action: plan.Replace, Imported: true, Reason: "replace because cannot update"},
				{Address: "terraform_data.new_name", Action: plan.NoOp, PreviousAddress: "terraform_data.old_name"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			f, err := readPlan(fixture(t, tt.fixture), tt.refreshOnly)
			require.NoError(t, err)
			assert.Equal(t, tt.counts, f.counts)
			assert.Equal(t, tt.resources, f.resources)
			for i, o := range tt.outputs {
				if string(o.Before) == string(anyValue) && i < len(f.outputs) && f.outputs[i].Before != nil {
					tt.outputs[i].Before = f.outputs[i].Before
				}
			}
			assert.Equal(t, tt.outputs, f.outputs)
			assert.Equal(t, tt.drifted, f.drifted)
			if tt.fixture != "moved-import" {
				assert.Contains(t, f.secrets, testPassword)
			}
			visible, err := json.Marshal([]any{f.counts, f.resources, f.outputs, f.lines})
			require.NoError(t, err)
			assert.NotContains(t, string(visible), testPassword)
		})
	}
}

func TestReadPlanRejects(t *testing.T) {
	tests := map[string]string{
		"not JSON":        `plan`,
		"no version":      `{}`,
		"future version":  `{"format_version":"2.0"}`,
		"wrong structure": `{"format_version":"1.2","resource_changes":{}}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := readPlan([]byte(in), false)
			require.ErrorContains(t, err, "read plan JSON")
		})
	}
}

func TestAction(t *testing.T) {
	tests := []struct {
		actions []string
		want    plan.Action
	}{
		{[]string{"create"}, plan.Create},
		{[]string{"delete", "create"}, plan.Replace},
		{[]string{"create", "delete"}, plan.Replace},
		{[]string{"forget"}, plan.Forget},
		{nil, plan.NoOp},
		{[]string{"create", "forget"}, "create-forget"},
	}
	for _, tt := range tests {
		var as tfjson.Actions
		for _, a := range tt.actions {
			as = append(as, tfjson.Action(a))
		}
		assert.Equal(t, tt.want, action(as), "%v", tt.actions)
	}
}
