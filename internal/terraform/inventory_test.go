package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteInventoryVars(t *testing.T) {
	dir := t.TempDir()
	cleanup, err := WriteInventoryVars(dir, []byte(`{ "db": {"host": "db.internal", "port": 5432} }`))
	require.NoError(t, err)
	path := filepath.Join(dir, InventoryVarsFile)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, `{"inventory":{"db":{"host":"db.internal","port":5432}}}`+"\n", string(got))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "a temporary file was left behind")

	cleanup()
	cleanup()
	assert.NoFileExists(t, path)
}

func TestWriteInventoryVarsRefuses(t *testing.T) {
	tests := []struct {
		name    string
		values  string
		before  string
		wantErr string
	}{
		{name: "invalid JSON", values: `{"a":`, wantErr: "not valid JSON"},
		{name: "file exists", values: `{}`, before: `{"inventory":{"mine":true}}`, wantErr: "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, InventoryVarsFile)
			if tt.before != "" {
				require.NoError(t, os.WriteFile(path, []byte(tt.before), 0o644))
			}
			_, err := WriteInventoryVars(dir, []byte(tt.values))
			require.ErrorContains(t, err, tt.wantErr)
			if tt.before != "" {
				got, err := os.ReadFile(path)
				require.NoError(t, err)
				assert.Equal(t, tt.before, string(got), "the user's file was changed")
			}
		})
	}
}

// TestInventoryVarsReachTerraform checks that the written file sets the
// variable of a real configuration.
func TestInventoryVarsReachTerraform(t *testing.T) {
	tofu := integration(t)
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`
variable "inventory" {
  type = object({ db = object({ host = string }) })
}
output "host" {
  value = var.inventory.db.host
}
`), 0o644))
	cleanup, err := WriteInventoryVars(dir, []byte(`{"db":{"host":"db.internal"}}`))
	require.NoError(t, err)
	defer cleanup()
	s, _ := newStage(t, tofu, dir, nil)
	r, err := s.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	require.Len(t, r.Outputs, 1)
	assert.JSONEq(t, `"db.internal"`, string(r.Outputs[0].After))
}
