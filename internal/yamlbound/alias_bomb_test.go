package yamlbound

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAliasBombBounded checks that refusing an alias bomb that stands for
// 9^12 (about 2.8e11) scalars costs little memory: the check measures each
// anchor once instead of expanding it.
func TestAliasBombBounded(t *testing.T) {
	data := []byte(bomb(12, 9))
	require.Less(t, len(data), 1024, "the bomb is small")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := Check(data, Limits{MaxBytes: 1 << 20, MaxAliasNodes: 100_000})
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrBound)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated to refuse it")

	allocs := testing.AllocsPerRun(5, func() { _ = Check(data, Limits{MaxAliasNodes: 100_000}) })
	assert.Less(t, allocs, 5000.0, "allocations to refuse it")
}
