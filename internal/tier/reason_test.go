package tier_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/tier"
)

func TestReasonWords(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		r    tier.Reason
		want string
	}{
		{tier.Reason{Kind: tier.ChangedPath, Path: "infra/main.tf"}, "infra/main.tf"},
		{tier.Reason{Kind: tier.ChangedPath, Path: "infra/main.tf", Since: "0123456789abcdef"}, "infra/main.tf (since the last apply at 0123456789ab)"},
		{tier.Reason{Kind: tier.InventoryMayChange, Tier: "infrastructure"}, "needs infrastructure (inventory may change)"},
		{tier.Reason{Kind: tier.SelectedAll}, "selected with --all"},
		{tier.Reason{Kind: tier.Scheduled}, "scheduled drift check"},
		{tier.Reason{Kind: tier.Interrupted, Commit: "abc", At: at}, "the apply of abc started 2026-11-25T11:00:00Z was interrupted"},
		{tier.Reason{Kind: tier.NeverApplied}, "never applied (no last apply to compare with)"},
		{tier.Reason{Kind: "new"}, "new"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.r.String())
	}
	b, err := json.Marshal(tier.Stack{Tier: "a", Environment: "b", Reasons: []tier.Reason{tests[0].r}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"tier":"a","environment":"b","reasons":["infra/main.tf"]}`, string(b), "JSON lists reasons in words")
}

func TestOnlyInventory(t *testing.T) {
	inv := tier.Reason{Kind: tier.InventoryMayChange, Tier: "infrastructure"}
	path := tier.Reason{Kind: tier.ChangedPath, Path: "a"}
	assert.False(t, tier.OnlyInventory(nil))
	assert.True(t, tier.OnlyInventory([]tier.Reason{inv}))
	since := inv
	since.Since = "abc" // reworded, still the same kind
	assert.True(t, tier.OnlyInventory([]tier.Reason{since}))
	assert.False(t, tier.OnlyInventory([]tier.Reason{inv, path}))
}
