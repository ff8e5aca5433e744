package helm

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/yamlbound"
)

// TestValuesFileBombs checks that a values file from the repository that
// would cost too much to decode (a huge file, nested YAML aliases) is
// refused before Helm decodes it, with an error naming the file, in bounded
// memory.
func TestValuesFileBombs(t *testing.T) {
	bomb := func() string {
		var b strings.Builder
		b.WriteString("a0: &a0 \"xxxxxxxxxxxxxxxx\"\n")
		for i := 1; i <= 9; i++ {
			fmt.Fprintf(&b, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ","))
		}
		return b.String()
	}
	huge := func(t *testing.T) string {
		p := filepath.Join(t.TempDir(), "huge.yaml")
		f, err := os.Create(p)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(256<<20)) // sparse: costs no disk
		require.NoError(t, f.Close())
		return p
	}
	tests := []struct {
		name string
		file func(t *testing.T) string
	}{
		{"alias bomb", func(t *testing.T) string { return valuesFile(t, bomb()) }},
		{"256 MiB file", huge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := stageOptions(t, fakeCluster(t))
			f := tt.file(t)
			opts.Release.Values = []string{f}
			s := newStage(t, opts)

			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := s.Plan(t.Context())
			runtime.ReadMemStats(&after)

			require.ErrorIs(t, err, yamlbound.ErrBound)
			assert.Contains(t, err.Error(), "values file "+f)
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated to refuse it")
		})
	}
}
