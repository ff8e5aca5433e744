package terraform

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inventorySecret is a sensitive inventory value as a consuming stack
// receives it: in a variable of type any, which Terraform does not mark, so
// nothing in the plan says it is a secret.
const inventorySecret = `Inv'ent"ory\pass-42`

// leaks returns the forms of inventorySecret found in text.
func leaks(text string) []string {
	var found []string
	for name, form := range map[string]string{
		"raw":    inventorySecret,
		"json":   strings.Trim(mustJSON(inventorySecret), `"`),
		"quoted": strings.Trim(strconv.Quote(inventorySecret), `"`),
		"base64": base64.StdEncoding.EncodeToString([]byte(inventorySecret)),
		"core":   "ent\\\"ory", // what is left of the JSON form when only part of it is masked
	} {
		if strings.Contains(text, form) {
			found = append(found, name)
		}
	}
	return found
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A project tier that copies a sensitive inventory value into a resource
// got it in clear in the plan text, the log and (hashed) in the published
// fingerprint: Terraform does not know it is a secret, and nothing told the
// stage. The stage must mask the inventory's secrets it is given.
func TestInventorySecretIsMaskedInTheConsumingStage(t *testing.T) {
	planJSON := `{"format_version":"1.2","resource_changes":[
		{"address":"terraform_data.dashboard","mode":"managed","type":"terraform_data","name":"dashboard",
		 "change":{"actions":["create"],"before":null,"after":{"input":{"password":` + mustJSON(inventorySecret) + `,
		 "b64":"` + base64.StdEncoding.EncodeToString([]byte(inventorySecret)) + `"}},
		 "after_unknown":{"id":true},"before_sensitive":false,"after_sensitive":false}}],
		"output_changes":{"dsn":{"actions":["create"],"before":null,"after":` + mustJSON("postgres://app:"+inventorySecret+"@db") + `,
		 "after_unknown":false,"before_sensitive":false,"after_sensitive":false}}}`
	f := &fakeRunner{replies: map[string]reply{
		// Plan prints the walk (logged) and the plan text (kept for the
		// report), both quoting the value.
		"plan": {
			stdout: "terraform_data.dashboard: Refreshing state... [id=" + inventorySecret + "]\n\n" +
				"  + input = {\n      + password = " + strconv.Quote(inventorySecret) + "\n    }\n",
			stderr: "Warning: value " + strconv.Quote(inventorySecret) + " looks like a password\n",
			code:   2,
		},
		"show -json": {stdout: planJSON},
	}}
	s, logs := fakeStage(t, f, func(o *Options) { o.Secrets = []string{inventorySecret} })
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)

	assert.Empty(t, leaks(r.Diff), "plan text: %s", r.Diff)
	assert.Contains(t, r.Diff, "***")
	assert.Empty(t, leaks(logs.String()), "log: %s", logs.String())
	assert.Contains(t, r.Secrets, inventorySecret, "every other output masks the Result's Secrets")
	for _, o := range r.Outputs {
		assert.Empty(t, leaks(string(o.After)), "output %s is shown in the report", o.Name)
	}

	fp, err := s.fp.read([]byte(planJSON), false)
	require.NoError(t, err)
	assert.Empty(t, leaks(strings.Join(fp.lines, "\n")), "fingerprint lines: %v", fp.lines)
}

// A failure that quotes the value (a validation error, a provider's
// message) is masked too: its Result carries the secrets from the start.
func TestInventorySecretIsMaskedInAFailure(t *testing.T) {
	f := &fakeRunner{replies: map[string]reply{
		"plan": {stdout: diagnosticJSON("Invalid value", "The password "+inventorySecret+" is too short.", "main.tf", 3) + "\n", code: 1},
	}}
	s, logs := fakeStage(t, f, func(o *Options) { o.Secrets = []string{inventorySecret} })
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.Error(t, err)
	assert.Contains(t, r.Secrets, inventorySecret, "the report masks the error with the Result's Secrets")
	assert.Empty(t, leaks(logs.String()), "log: %s", logs.String())
}
