package terraform

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// benchResources is the size of the generated configuration.
const benchResources = 2000

// benchPairs is how many stage and raw runs each iteration makes; the
// medians are reported, so that one slow run on a busy machine does not
// decide the ratio even with -benchtime 1x.
const benchPairs = 3

// BenchmarkPlan2000 plans a generated configuration of 2,000
// terraform_data resources with the Stage (init, plan -out and show -json,
// reading, the text and masking included) and, in the same run, with the
// raw commands the stage runs, through os/exec. It reports the median of
// each per plan and their ratio: the stage's overhead over the commands is
// ratio-1.
func BenchmarkPlan2000(b *testing.B) {
	tofu := integration(b)
	dir := b.TempDir()
	require.NoError(b, os.WriteFile(filepath.Join(dir, "main.tf"), generateConfig(benchResources), 0o644))
	env := tofuEnv(b)

	var stageRuns, rawRuns, readRuns []time.Duration
	for i := 0; b.Loop(); i++ {
		for p := range benchPairs {
			stage := func() {
				took, read := benchStage(b, tofu, dir, env)
				stageRuns, readRuns = append(stageRuns, took), append(readRuns, read)
			}
			raw := func() { rawRuns = append(rawRuns, benchRaw(b, tofu, dir, env)) }
			if (i+p)%2 == 0 {
				stage()
				raw()
			} else {
				raw()
				stage()
			}
		}
	}
	s, r := median(stageRuns), median(rawRuns)
	b.ReportMetric(float64(s.Milliseconds()), "stage-ms/plan")
	b.ReportMetric(float64(r.Milliseconds()), "raw-ms/plan")
	b.ReportMetric(float64(s)/float64(r), "stage/raw")
	b.ReportMetric(float64(median(readRuns).Microseconds())/1000, "read-json-ms/plan")
}

// benchStage plans dir with a new Stage, as a run of tierdeploy does. It
// returns how long that took, and how long reading the plan's JSON takes
// alone (the share of the stage's own work that grows with the plan).
func benchStage(b *testing.B, tofu, dir string, env []string) (took, read time.Duration) {
	s, err := New(Options{Binary: tofu, Env: env, Dir: dir, WorkDir: b.TempDir()})
	require.NoError(b, err)
	start := time.Now()
	r, err := s.Plan(b.Context(), PlanOptions{})
	took = time.Since(start)
	require.NoError(b, err)
	require.Equal(b, benchResources, r.Counts.Add)
	js, err := os.ReadFile(s.PlanFile() + ".json")
	require.NoError(b, err)
	start = time.Now()
	_, err = readPlan(js, false)
	read = time.Since(start)
	require.NoError(b, err)
	return took, read
}

// benchRaw runs the stage's commands directly, each with its output read
// into memory or discarded, and a fresh data directory as the stage has.
func benchRaw(b *testing.B, tofu, dir string, env []string) time.Duration {
	work := b.TempDir()
	env = append(slices.Clip(env), "TF_DATA_DIR="+filepath.Join(work, ".terraform"))
	planFile := filepath.Join(work, "raw.tfplan")
	start := time.Now()
	for _, args := range [][]string{
		{"init", "-input=false"},
		{"plan", "-input=false", "-out=" + planFile},
		{"show", "-json", planFile},
	} {
		cmd := exec.CommandContext(b.Context(), tofu, args...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, io.Discard
		require.NoError(b, cmd.Run(), "tofu %s", strings.Join(args, " "))
	}
	return time.Since(start)
}

// generateConfig returns a configuration of n terraform_data resources and
// a few outputs.
func generateConfig(n int) []byte {
	var c bytes.Buffer
	for i := range n {
		fmt.Fprintf(&c, "resource \"terraform_data\" \"r%03d\" {\n  input = { index = %d, name = \"r%03d\", tags = [\"bench\", \"r%d\"] }\n}\n\n", i, i, i, i%7)
	}
	c.WriteString("output \"first\" {\n  value = terraform_data.r000.output\n}\n\n")
	c.WriteString("output \"count\" {\n  value = " + fmt.Sprint(n) + "\n}\n")
	return c.Bytes()
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
