package deps_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/yamlbound"
)

// TestChartYAMLBombs checks that a Chart.yaml from a pull request that
// would cost too much to decode is refused before it is decoded, naming the
// file.
func TestChartYAMLBombs(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x]\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ","))
	}
	bomb.WriteString("dependencies: [{repository: *a8}]\n")
	tests := map[string]string{
		"alias bomb": bomb.String(),
		"2 MiB file": "apiVersion: v2\n" + strings.Repeat("# padding\n", 2<<20/10),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			f := deps.New(fstest.MapFS{"charts/app/Chart.yaml": {Data: []byte(src)}})
			_, err := f.Charts("charts/app")
			require.ErrorIs(t, err, yamlbound.ErrBound)
			assert.Contains(t, err.Error(), "charts/app/Chart.yaml")
		})
	}
}
