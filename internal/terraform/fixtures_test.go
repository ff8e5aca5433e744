package terraform

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "regenerate testdata/plans from real tofu runs")

// TestUpdatePlanFixtures regenerates the plan JSON that the unit tests read
// (testdata/plans/*.json) by planning the testdata configurations with
// tofu. It runs only with -update.
func TestUpdatePlanFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/plans")
	}
	tofu := integration(t)
	out := filepath.Join("testdata", "plans")
	require.NoError(t, os.MkdirAll(out, 0o755))
	save := func(s *Stage, name string, po PlanOptions) {
		t.Helper()
		_, err := s.Plan(t.Context(), po)
		require.NoError(t, err)
		file := s.PlanFile()
		if po.RefreshOnly {
			file = filepath.Join(s.opts.WorkDir, s.fileBase()+".refresh-only.tfplan")
		}
		js, err := os.ReadFile(file + ".json")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(out, name+".json"), js, 0o644))
	}

	dir := copyConfig(t, "basic")
	s, _ := newStage(t, tofu, dir, nil)
	save(s, "create", PlanOptions{})
	require.NoError(t, s.Apply(t.Context(), s.PlanFile()))
	for name, vars := range map[string]string{
		"update":  `name = "beta"`,
		"replace": "revision = 2",
		"delete":  "extra = false",
	} {
		file := writeVars(t, dir, "fixture.tfvars", vars)
		st, _ := newStage(t, tofu, dir, func(o *Options) { o.VarFiles = []string{file} })
		save(st, name, PlanOptions{})
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "motd.txt"), []byte("edited\n"), 0o644))
	save(s, "drift", PlanOptions{RefreshOnly: true})

	moved := copyConfig(t, "moved-before")
	m, _ := newStage(t, tofu, moved, nil)
	_, err := m.Plan(t.Context(), PlanOptions{})
	require.NoError(t, err)
	require.NoError(t, m.Apply(t.Context(), m.PlanFile()))
	require.NoError(t, os.CopyFS(filepath.Join(moved, "v2"), os.DirFS(filepath.Join("testdata", "moved"))))
	require.NoError(t, os.Rename(filepath.Join(moved, "v2", "main.tf"), filepath.Join(moved, "main.tf")))
	m2, _ := newStage(t, tofu, moved, nil)
	save(m2, "moved-import", PlanOptions{})
}
