package filestore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// TestPutAppliedFailedWrite makes the last step of a write (the rename over
// the record) fail, and checks that the old record is left whole and no
// temporary file remains.
func TestPutAppliedFailedWrite(t *testing.T) {
	dir := t.TempDir()
	st, err := New(Options{Dir: dir})
	require.NoError(t, err)
	ctx := t.Context()
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

	old := inventory.NewApplied("prod")
	old.Finish("infra", inventory.ApplyMark{Commit: "c1", At: at})
	c, err := st.Acquire(ctx, "prod", "test run", time.Hour)
	require.NoError(t, err)
	require.NoError(t, st.PutApplied(ctx, c, old))
	before, err := os.ReadFile(st.AppliedPath("prod"))
	require.NoError(t, err)

	t.Cleanup(func() { rename = os.Rename })
	rename = func(string, string) error { return errors.New("disk full") }
	next := inventory.NewApplied("prod")
	next.Start("infra", inventory.ApplyMark{Commit: "c2", At: at.Add(time.Hour)})
	err = st.PutApplied(ctx, c, next)
	require.ErrorContains(t, err, "put apply record: write "+st.AppliedPath("prod")+": disk full")

	after, err := os.ReadFile(st.AppliedPath("prod"))
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "the old record is left as it was")
	got, err := st.GetApplied(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, old, got)
	tmp, err := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	require.NoError(t, err)
	assert.Empty(t, tmp, "no temporary file left")
}
