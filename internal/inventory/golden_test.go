package inventory_test

import (
	"testing"

	goldenfile "github.com/tierdeploy/tierdeploy/internal/golden"
)

// golden compares got with testdata/<name>.golden, or rewrites the file when
// -update is set.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenfile.Assert(t, name, string(got))
}
