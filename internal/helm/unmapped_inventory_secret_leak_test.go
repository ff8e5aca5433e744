package helm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Only the values mapped through inventory_values were masked; a sensitive
// inventory value that reaches a manifest by another path (a values file
// that repeats it, a chart that looks it up) was shown in clear. Every
// sensitive leaf of the inventory the stage receives is masked.
func TestUnmappedInventorySecretIsMasked(t *testing.T) {
	const secret = "Unmapped-Zebra-Quartz"
	c := fakeCluster(t)
	opts := stageOptions(t, c)
	opts.Release.Values = []string{valuesFile(t, "greeting: "+secret+"\n")}
	opts.Release.InventoryValues = map[string]string{"database.host": "database.host"}
	opts.Inventory = secretInventory(t, secret)

	res, err := newStage(t, opts).Plan(t.Context())
	require.NoError(t, err)
	require.Contains(t, res.Diff, "b/ConfigMap/app/web")
	assert.NotContains(t, res.Diff, "Zebra")
	assert.Contains(t, res.Secrets, secret)
}
