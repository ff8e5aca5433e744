package checkinput

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// password is the sensitive variable of the plans in
// internal/terraform/testdata/plans, which real tofu runs made.
const password = "correct-horse-battery-staple"

func realPlan(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "terraform", "testdata", "plans", name+".json"))
	require.NoError(t, err)
	return b
}

var stack = plan.Stack{Tier: "infrastructure", Environment: "prod"}

func TestTerraformMasksEverySensitiveValue(t *testing.T) {
	for _, name := range []string{"create", "update", "replace", "delete", "drift"} {
		t.Run(name, func(t *testing.T) {
			raw := realPlan(t, name)
			require.Contains(t, string(raw), password, "the fixture must hold the secret in clear")
			in, err := Terraform(raw, Stage{Stack: stack, Name: "terraform/environments/prod", Command: "plan",
				Reasons: []string{"terraform/main.tf"}})
			require.NoError(t, err)
			js, err := in.JSON()
			require.NoError(t, err)
			for _, out := range [][]byte{js, in.PlanJSON()} {
				assert.NotContains(t, string(out), password)
				assert.NotContains(t, string(out), "Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LXN0YXBsZQ") // base64
				assert.Contains(t, string(out), Marker)
			}
			assert.Contains(t, in.Secrets, password)
			assert.Contains(t, in.Secrets, "postgres://admin:"+password+"@db.internal/app")

			doc := in.Document()
			assert.Equal(t, "1.2", doc["format_version"].(string), "the plan's keys stay at the top, as conftest has them")
			md := doc[Key].(map[string]any)
			assert.Equal(t, "terraform", md["kind"])
			assert.Equal(t, "prod", md["environment"])
			assert.Equal(t, "infrastructure", md["tier"])
			assert.Equal(t, []any{"terraform/main.tf"}, md["reasons"])
			assert.NotContains(t, string(in.PlanJSON()), `"`+Key+`"`, "the plan JSON for checkers is the plan alone")
		})
	}
}

func TestTerraformKeepsWhatIsNotSensitive(t *testing.T) {
	in, err := Terraform(realPlan(t, "update"), Stage{Stack: stack})
	require.NoError(t, err)
	var app, creds map[string]any
	for _, rc := range in.Document()["resource_changes"].([]any) {
		switch rc.(map[string]any)["address"] {
		case "terraform_data.app":
			app = rc.(map[string]any)["change"].(map[string]any)
		case "terraform_data.credentials":
			creds = rc.(map[string]any)["change"].(map[string]any)
		}
	}
	require.NotNil(t, app)
	assert.Equal(t, map[string]any{"name": "beta"}, app["after"].(map[string]any)["input"])
	require.NotNil(t, creds)
	before := creds["before"].(map[string]any)
	// input = { user = "admin", password = var.password }: Terraform marks
	// the password only.
	assert.Equal(t, Marker, before["input"].(map[string]any)["password"])
	assert.Equal(t, "admin", before["input"].(map[string]any)["user"])
	assert.Equal(t, Marker, in.Document()["variables"].(map[string]any)["password"].(map[string]any)["value"])
}

func TestTerraformMasksInventoryAndCallerSecrets(t *testing.T) {
	const dbSecret = "s3cr3t-from-the-inventory"
	const token = "ghp_0123456789abcdefghij"
	planJSON := `{"format_version":"1.2","variables":{"inventory":{"value":{"db":{"password":"` + dbSecret + `","host":"db.internal"}}}},` +
		`"resource_changes":[{"address":"terraform_data.x[\"` + token + `\"]","change":{"actions":["create"],"after":{"input":"Bearer ` + token + `"},"after_sensitive":{}}}]}`
	doc := &inventory.Document{Schema: inventory.SchemaV1, Environment: "prod", Sensitive: []string{"db"},
		Values: map[string]json.RawMessage{"db": json.RawMessage(`{"password":"` + dbSecret + `","host":"db.internal"}`), "region": json.RawMessage(`"eu-west-1"`)}}
	change := &inventory.Change{Changed: []inventory.Entry{{Key: "db.password", Before: json.RawMessage(`"old-` + dbSecret + `"`), After: json.RawMessage(`"` + dbSecret + `"`), Sensitive: true},
		{Key: "region", Before: json.RawMessage(`"eu-west-2"`), After: json.RawMessage(`"eu-west-1"`)}}}
	in, err := Terraform([]byte(planJSON), Stage{Stack: stack, Inventory: doc, InventoryChange: change, Secrets: []string{token}})
	require.NoError(t, err)
	js, err := in.JSON()
	require.NoError(t, err)
	for _, s := range []string{dbSecret, token} {
		assert.NotContains(t, string(js), s)
		assert.NotContains(t, string(in.PlanJSON()), s)
	}
	md := in.Document()[Key].(map[string]any)
	assert.Equal(t, "eu-west-1", md["inventory"].(map[string]any)["values"].(map[string]any)["region"])
	assert.Equal(t, Marker, md["inventory"].(map[string]any)["values"].(map[string]any)["db"])
	changed := md["inventory_change"].(map[string]any)["changed"].([]any)
	require.Len(t, changed, 2)
	assert.Equal(t, map[string]any{"key": "db.password", "before": Marker, "after": Marker, "sensitive": true}, changed[0])
	assert.Equal(t, "eu-west-1", changed[1].(map[string]any)["after"])
	rc := in.Document()["resource_changes"].([]any)[0].(map[string]any)
	assert.Equal(t, Marker, rc["address"], "a string holding a secret is masked whole")
}

func TestTerraformMarksOfAnotherShapeMaskTheWholeValue(t *testing.T) {
	planJSON := `{"resource_changes":[{"change":{"before":"hunter2-very-secret","before_sensitive":{"a":true},` +
		`"after":["x","hunter2-other-secret"],"after_sensitive":[false,false,true]}}],` +
		`"output_changes":{"o":{"before":{"k":"hunter2-third-secret"},"before_sensitive":[true]}}}`
	in, err := Terraform([]byte(planJSON), Stage{})
	require.NoError(t, err)
	js, _ := in.JSON()
	assert.NotContains(t, string(js), "hunter2")
}

func TestTerraformRefusesBadInput(t *testing.T) {
	for name, raw := range map[string]string{
		"empty":      "",
		"array":      "[]",
		"string":     `"plan"`,
		"truncated":  `{"resource_changes":[`,
		"two values": `{} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Terraform([]byte(raw), Stage{})
			require.ErrorIs(t, err, ErrInvalid)
			assert.True(t, strings.HasPrefix(err.Error(), "plan JSON: "), err.Error())
		})
	}
}

func TestTerraformMasksProviderCredentialsInTheConfiguration(t *testing.T) {
	planJSON := `{"configuration":{"provider_config":{"aws":{"expressions":{"region":{"constant_value":"eu-west-1"},` +
		`"secret_key":{"constant_value":"wJalrXUtnFEMI-literal"},"token":{"constant_value":"session-token-literal"},"access_key":{"constant_value":"AKIAEXAMPLELITERAL"}}}}}}`
	in, err := Terraform([]byte(planJSON), Stage{})
	require.NoError(t, err)
	js, _ := in.JSON()
	for _, s := range []string{"wJalrXUtnFEMI-literal", "session-token-literal", "AKIAEXAMPLELITERAL"} {
		assert.NotContains(t, string(js), s)
	}
	assert.Contains(t, string(js), `"region":{"constant_value":"eu-west-1"}`)
}
