package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasBomb returns a tierdeploy.yaml whose anchors nest three levels, each
// repeated width times: tiers of releases of values files, width^3 paths.
// At width 80 it is about 1.3 KB; decoding it naively walks 512,000 values
// paths.
func aliasBomb(width int) string {
	rep := func(s string) string { return strings.TrimSuffix(strings.Repeat(s+", ", width), ", ") }
	return fmt.Sprintf("version: 1\ntiers:\n  - &t {name: a, paths: &p [&s \"x/**\", %s], helm: [&r {release: r, chart: c, values: *p}, %s]}\n  - %s\n",
		rep("*s"), rep("*r"), strings.Join(strings.Split(rep("*t"), ", "), "\n  - "))
}

// TestAliasBombFailsFast checks that a small configuration whose aliases
// expand to hundreds of thousands of nodes is refused as bad input before
// it is decoded, in bounded memory (before, this file took 2.4 s and
// 128 MiB; one twice as wide, 14 s and 939 MiB).
func TestAliasBombFailsFast(t *testing.T) {
	data := []byte(aliasBomb(80))
	require.Less(t, len(data), 1500)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse("tierdeploy.yaml", data)
	runtime.ReadMemStats(&after)

	var errs *Errors
	require.True(t, errors.As(err, &errs), "a bad configuration")
	require.Equal(t, 1, len(errs.Problems), "one problem, not one per expanded node")
	assert.Contains(t, errs.Problems[0].Message, "aliases add more than")
	assert.Equal(t, 3, errs.Problems[0].Pos.Line, "the line of the alias that passed the limit")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated to refuse it")
}

// TestAliasBombWider is the 2.6 KB file of the report: refused with few
// allocations.
func TestAliasBombWider(t *testing.T) {
	data := []byte(aliasBomb(160))
	allocs := testing.AllocsPerRun(1, func() {
		_, err := Parse("tierdeploy.yaml", data)
		if err == nil {
			t.Fatal("accepted")
		}
	})
	assert.Less(t, allocs, 50_000.0)
}

// TestLoadRefusesHugeFile checks that a file over MaxFileSize is refused
// without being read whole.
func TestLoadRefusesHugeFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tierdeploy.yaml")
	f, err := os.Create(p)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30)) // 1 GiB, sparse
	require.NoError(t, f.Close())

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = Load(p)
	runtime.ReadMemStats(&after)
	var errs *Errors
	require.True(t, errors.As(err, &errs), "%v", err)
	assert.Contains(t, errs.Error(), "is larger than")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16<<20))
}

// TestAnchorsStillWork checks that ordinary anchors keep working.
func TestAnchorsStillWork(t *testing.T) {
	src := `version: 1
tiers:
  - name: a
    paths: &paths ["shared/**", "a/**"]
    terraform: {dir: a}
  - name: b
    paths: *paths
    terraform: {dir: b}
`
	cfg, err := Parse("tierdeploy.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, cfg.Tiers[0].Paths, cfg.Tiers[1].Paths)
}
