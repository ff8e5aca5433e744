package filestore_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

var appliedAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestAppliedEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inv")
	st := newStore(t, filestore.Options{Dir: dir})
	a, err := st.GetApplied(t.Context(), "prod")
	require.NoError(t, err)
	assert.Equal(t, inventory.NewApplied("prod"), a)
	assert.Empty(t, a.Interrupted())
	assert.NoDirExists(t, dir, "reading creates nothing")
}

func TestAppliedRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inv")
	st := newStore(t, filestore.Options{Dir: dir})
	ctx := t.Context()

	prod := claim(t, st, "prod")
	a, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	a.Start("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt, Run: "https://ci.example.test/1"})
	require.NoError(t, st.PutApplied(ctx, prod, a))

	path := filepath.Join(dir, "prod.applied.json")
	assert.Equal(t, path, st.AppliedPath("prod"))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	want, err := a.MarshalIndent()
	require.NoError(t, err)
	assert.Equal(t, string(want), string(b), "indented canonical record")

	got, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, a, got)
	assert.Equal(t, map[string]inventory.ApplyMark{"infrastructure": *a.Stacks["infrastructure"].Started},
		got.Interrupted(), "a later run sees the apply in progress")

	got.Finish("infrastructure", inventory.ApplyMark{Commit: "c1", At: appliedAt.Add(time.Minute), InventoryVersion: 2})
	require.NoError(t, st.PutApplied(ctx, prod, got))
	again, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, got, again)
	assert.Empty(t, again.Interrupted())

	other, err := st.GetApplied(ctx, "staging")
	require.NoError(t, err)
	assert.Equal(t, inventory.NewApplied("staging"), other, "environments are separate")

	_, _, err = st.Get(ctx, "prod")
	assert.ErrorIs(t, err, inventory.ErrNotFound, "the apply record is not an inventory")
	require.NoError(t, prod.Release(ctx))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary files left")
	assert.Equal(t, "prod.applied.json", entries[0].Name())
}

func TestAppliedBadFiles(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, filestore.Options{Dir: dir})
	write := func(env, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, env+".applied.json"), []byte(body), 0o600))
	}
	write("broken", `{"schema":"tierdeploy.applied/v1","environment":"broken","stac`)
	write("newer", `{"schema":"tierdeploy.applied/v2"}`)
	write("moved", `{"schema":"tierdeploy.applied/v1","environment":"prod","stacks":{}}`)
	tests := []struct {
		env       string
		wantError string
	}{
		{"broken", "invalid apply record: malformed JSON"},
		{"newer", `invalid apply record: field "schema": unknown schema "tierdeploy.applied/v2"`},
		{"moved", `invalid apply record: field "environment": holds the apply record of environment "prod", not "moved"`},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			_, err := st.GetApplied(t.Context(), tt.env)
			require.ErrorIs(t, err, inventory.ErrInvalid)
			assert.ErrorContains(t, err, filepath.Join(dir, tt.env+".applied.json")+": ", "names the file")
			assert.ErrorContains(t, err, tt.wantError)
		})
	}
}

func TestPutAppliedRejects(t *testing.T) {
	dir := t.TempDir()
	st := newStore(t, filestore.Options{Dir: dir})
	invalid := inventory.NewApplied("prod")
	invalid.Finish("infra", inventory.ApplyMark{At: appliedAt})
	tests := []struct {
		name      string
		env       string
		a         *inventory.Applied
		wantError string
	}{
		{"nil", "prod", nil, "the record is nil"},
		{"other environment", "prod", inventory.NewApplied("dev"), `the record is for environment "dev", not "prod"`},
		{"invalid record", "prod", invalid, `field "stacks.infra.last.commit": empty`},
		{"path in name", "../x", inventory.NewApplied("../x"), "cannot be used as a file name"},
		{"name of a record", "prod.applied", inventory.NewApplied("prod.applied"), "ends in .applied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := st.Acquire(t.Context(), tt.env, "test run", time.Minute)
			if err == nil {
				err = st.PutApplied(t.Context(), c, tt.a)
				require.NoError(t, c.Release(t.Context()))
			}
			assert.ErrorContains(t, err, tt.wantError)
		})
	}
	err := st.PutApplied(t.Context(), nil, inventory.NewApplied("prod"))
	assert.EqualError(t, err, "put apply record: no inventory lease: acquire the environment's lease first")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")

	_, err = st.GetApplied(t.Context(), "prod.applied")
	assert.ErrorContains(t, err, "ends in .applied")
	_, _, err = st.Get(t.Context(), "prod.applied")
	assert.ErrorContains(t, err, "ends in .applied", "its inventory file would be the record of prod")
}
