package inventory_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

func TestLookup(t *testing.T) {
	d := build(t)
	d.Values["dns.zones"] = json.RawMessage(`{"example.test":{"id":"Z1"}}`)
	d.Values["ratio"] = json.RawMessage(`0.5`)
	tests := []struct {
		key       string
		want      any
		sensitive bool
		wantError string
	}{
		{key: "meltano_database.host", want: "db.internal"},
		{key: "meltano_database.port", want: int64(5432)},
		{key: "meltano_database", want: map[string]any{"host": "db.internal", "name": "meltano", "port": int64(5432)}},
		{key: "subnet_ids.1", want: "subnet-a"},
		{key: "subnet_ids", want: []any{"subnet-b", "subnet-a"}},
		{key: "ratio", want: 0.5},
		{key: "big_number", want: 1.2345678901234567e19},
		{key: "db_password", want: "hunter2", sensitive: true},
		{key: "dns.zones.example.test.id", want: "Z1"},
		{key: "meltano_database.user",
			wantError: `inventory key "meltano_database.user" not found in the inventory of environment "prod" published at commit ` +
				`0123456789abcdef0123456789abcdef01234567; available: host, name, port`},
		{key: "vpc.id",
			wantError: `inventory key "vpc.id" not found (vpc does not exist) in the inventory of environment "prod"`},
		{key: "subnet_ids.2",
			wantError: `inventory key "subnet_ids.2" cannot be resolved: subnet_ids is a list of 2, which has no element "2"`},
		{key: "cluster_name.id",
			wantError: `inventory key "cluster_name.id" cannot be resolved: cluster_name is a string, not an object`},
		{key: "", wantError: `inventory key "" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, sensitive, err := inventory.Lookup(d, tt.key)
			if tt.wantError != "" {
				require.ErrorContains(t, err, tt.wantError)
				assert.ErrorIs(t, err, inventory.ErrKeyNotFound)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.sensitive, sensitive)
		})
	}
}
