package filestore_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/filestore"
)

// TestOversizedFilesNotReadWhole checks that an inventory document or
// apply record grown to a gigabyte (sparse, so the test writes nothing) is
// refused as oversized after reading one byte past the limit, in bounded
// memory.
func TestOversizedFilesNotReadWhole(t *testing.T) {
	st := newStore(t, filestore.Options{})
	for name, path := range map[string]string{"document": st.Path("prod"), "apply record": st.AppliedPath("prod")} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, []byte(`{"version":1}`), 0o600))
			require.NoError(t, os.Truncate(path, 1<<30))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var err error
			if name == "document" {
				_, _, err = st.Get(t.Context(), "prod")
			} else {
				_, err = st.GetApplied(t.Context(), "prod")
			}
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "1048576")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated")
			require.NoError(t, os.Remove(path))
		})
	}
}
