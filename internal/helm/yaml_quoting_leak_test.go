package helm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// secretInventory returns an inventory whose sensitive key app_secret holds
// secret.
func secretInventory(t *testing.T, secret string) *inventory.Document {
	t.Helper()
	v, err := json.Marshal(secret)
	require.NoError(t, err)
	doc, err := inventory.Parse([]byte(`{"schema":"tierdeploy.inventory/v1","environment":"prod","tier":"infrastructure",
		"commit":"0123456789abcdef","created":"2026-01-02T03:04:05Z","sensitive":["app_secret"],
		"values":{"database":{"host":"db.prod.internal"},"app_secret":` + string(v) + `}}`))
	require.NoError(t, err)
	return doc
}

// yamlSecrets are secret values that YAML writes in another form than the
// value: quotes doubled or escaped, backslashes, line breaks, and folding of
// a long value at 80 columns. Each holds marker words that must never show.
var yamlSecrets = map[string]struct {
	secret  string
	markers []string
}{
	"single quote":       {"'it's' Zebra: Quartz", []string{"Zebra", "Quartz"}},
	"double quote, tab":  {"say \"Zebra\"\tQuartz", []string{"Zebra", "Quartz"}},
	"backslash, control": {"C:\\Zebra\\\x07Quartz", []string{"Zebra", "Quartz"}},
	"several lines":      {"first-Zebra-line\nsecond-Quartz-line\n", []string{"Zebra", "Quartz"}},
	"longer than 80":     {strings.Repeat("correct Zebra battery staple ", 4) + "Quartz end", []string{"Zebra", "Quartz"}},
	"all of them, long":  {"it's \"Zebra\" \\ " + strings.Repeat("x ", 50) + "\nQuartz", []string{"Zebra", "Quartz"}},
}

// A sensitive inventory value in a ConfigMap was masked in the diff text,
// after yaml.v2 had quoted and folded it: a value with a quote, a
// backslash or more than 80 columns was shown in clear. Values must be
// masked before they are written.
func TestYAMLQuotingDoesNotDefeatMasking(t *testing.T) {
	for name, tt := range yamlSecrets {
		t.Run(name, func(t *testing.T) {
			c := fakeCluster(t)
			opts := stageOptions(t, c)
			// greeting goes into a ConfigMap in clear, database.password
			// into a Secret.
			opts.Release.InventoryValues = map[string]string{"greeting": "app_secret", "database.password": "app_secret"}
			opts.Inventory = secretInventory(t, tt.secret)

			res, err := newStage(t, opts).Plan(t.Context())
			require.NoError(t, err)
			require.Contains(t, res.Diff, "b/ConfigMap/app/web")
			for _, m := range tt.markers {
				assert.NotContains(t, res.Diff, m, "diff:\n%s", res.Diff)
			}
			assert.Contains(t, res.Secrets, tt.secret)
		})
	}
}

// A changed secret still shows as a change, and neither value shows.
func TestChangedSecretShowsAsAChangeOnly(t *testing.T) {
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.InventoryValues = map[string]string{"greeting": "app_secret", "database.password": "app_secret"}
	opts.Inventory = secretInventory(t, yamlSecrets["longer than 80"].secret)
	_, err := newStage(t, opts).Apply(t.Context())
	require.NoError(t, err)

	opts.Inventory = secretInventory(t, yamlSecrets["single quote"].secret)
	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	assert.Contains(t, addresses(res.Resources), "ConfigMap/app/web")
	assert.Contains(t, addresses(res.Resources), "Secret/app/web")
	for _, m := range []string{"Zebra", "Quartz", "correct", "battery"} {
		assert.NotContains(t, res.Diff, m, "diff:\n%s", res.Diff)
	}
	assert.Contains(t, res.Diff, "+  GREETING: '*** (changed)'\n")
}
