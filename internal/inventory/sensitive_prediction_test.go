package inventory_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// A plan shows a sensitive output's new value as a stand-in text, never as
// the value. Taking that text for the value planned every dependent stack
// with "(sensitive value)" as the password, a plan that can never be the one
// applied. The stand-in must never reach the predicted values.
func TestSensitiveStandInIsNeverAPredictedValue(t *testing.T) {
	const standIn = `"(sensitive value)"`
	current := doc([]string{"db_password"}, map[string]string{
		"db_password": `"s3cret-old"`,
		"host":        `"db.internal"`,
	})
	changes := []inventory.OutputChange{
		// Marked sensitive by this change; the value stays.
		{Name: "db_password", Action: "update", Sensitive: true, Before: json.RawMessage(`"s3cret-old"`), After: json.RawMessage(standIn)},
		// A new secret: nothing to plan with yet.
		{Name: "api_token", Action: "create", Sensitive: true, After: json.RawMessage(standIn)},
	}
	include := []string{"db_password", "api_token"}

	values, unknown := inventory.PredictValues(current, changes, include)
	for k, v := range values {
		assert.NotContains(t, string(v), "sensitive value", "key %s", k)
	}
	assert.JSONEq(t, `"s3cret-old"`, string(values["db_password"]), "the current secret, masked wherever it shows")
	assert.NotContains(t, values, "api_token")
	assert.Equal(t, []string{"api_token"}, unknown, "a secret with no value yet is a placeholder for Helm")

	c := inventory.Predict(current, changes, include)
	assert.Equal(t, []string{"api_token", "db_password"}, keys(c.KnownAfterApply))
	assert.Empty(t, c.Changed)
	assert.Empty(t, c.Added)
	text := c.Text(inventory.RenderOptions{ShowSecrets: true})
	assert.False(t, strings.Contains(text, "sensitive value"), text)
}
