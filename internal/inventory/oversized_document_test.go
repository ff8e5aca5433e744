package inventory

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOversizedDocumentRefused plants a 64 MiB inventory document and apply
// record (as a store could hold, or a file written by anyone with access):
// both are refused as invalid before they are decoded, in bounded memory.
func TestOversizedDocumentRefused(t *testing.T) {
	big := `"` + strings.Repeat("x", 64<<20) + `"`
	docs := map[string]struct {
		data  []byte
		parse func([]byte) error
	}{
		"inventory document": {
			[]byte(fmt.Sprintf(`{"schema":%q,"environment":"prod","tier":"infrastructure","commit":"abc","created":"2026-01-02T03:04:05Z","values":{"blob":%s}}`, SchemaV1, big)),
			func(b []byte) error { _, err := Parse(b); return err },
		},
		"apply record": {
			[]byte(fmt.Sprintf(`{"schema":%q,"environment":"prod","stacks":{},"x":%s}`, AppliedSchemaV1, big)),
			func(b []byte) error { _, err := ParseApplied(b); return err },
		},
	}
	for name, d := range docs {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := d.parse(d.data)
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Contains(t, err.Error(), "over the limit of 1048576 bytes")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated to refuse it")
		})
	}
}
