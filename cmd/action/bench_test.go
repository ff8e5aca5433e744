package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
)

// benchResources is the size of the benchmark's stack.
const benchResources = 2000

// benchRepo writes a repository with one stack of benchResources
// terraform_data resources.
func benchRepo(b *testing.B) string {
	b.Helper()
	r := gittest.New(b)
	var tf strings.Builder
	tf.WriteString("terraform {\n  backend \"local\" {}\n}\n\n")
	for i := range benchResources {
		fmt.Fprintf(&tf, "resource \"terraform_data\" \"r%04d\" {\n  input = { index = %d, name = \"resource-%04d\" }\n}\n\n", i, i, i)
	}
	fmt.Fprintf(&tf, "output \"count\" {\n  value = %d\n}\n", benchResources)
	r.Write(map[string]string{
		"tierdeploy.yaml": "version: 1\ntiers:\n  - name: infra\n    terraform:\n      dir: infra\n",
		"infra/main.tf":   tf.String(),
	})
	r.Commit(fmt.Sprintf("%d resources", benchResources))
	return r.Dir
}

// BenchmarkPlan2000 runs tierdeploy's whole plan of a 2,000-resource stack
// (detection, configuration, init, plan -out, show -json, reading, the
// report) and, in the same run, the raw commands a person would run for the
// same facts and text (init, plan -out, show -json), alternating which
// goes first. It reports the median of each and their ratio: tierdeploy's
// overhead is ratio-1.
func BenchmarkPlan2000(b *testing.B) {
	if testing.Short() {
		b.Skip("runs OpenTofu")
	}
	offlineTofu(b)
	clearCI(b)
	dir := benchRepo(b)
	tofu, err := exec.LookPath("tofu")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	raw := func() time.Duration {
		work := b.TempDir()
		env := append(os.Environ(), "TF_DATA_DIR="+filepath.Join(work, "data"), "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")
		planFile := filepath.Join(work, "plan.out")
		start := time.Now()
		for _, args := range [][]string{
			{"init", "-input=false", "-no-color"},
			{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=" + planFile},
			{"show", "-json", planFile},
		} {
			cmd := exec.CommandContext(ctx, tofu, args...)
			cmd.Dir, cmd.Env = filepath.Join(dir, "infra"), env
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, io.Discard
			var ee *exec.ExitError
			if err := cmd.Run(); err != nil && !(args[0] == "plan" && errors.As(err, &ee) && ee.ExitCode() == 2) {
				b.Fatalf("tofu %s: %v", strings.Join(args, " "), err)
			}
		}
		return time.Since(start)
	}
	// tierdeploy returns how long the plan took, and how much of that was
	// spent in tofu (the durations its log records for each command).
	tierdeploy := func() (total, inTofu time.Duration) {
		d := deps([]string{"--chdir", dir, "--log-format", "json", "plan", "--all"})
		var logs bytes.Buffer
		d.Stdout, d.Stderr = io.Discard, &logs
		start := time.Now()
		if code := app.Main(ctx, d); code != 0 {
			b.Fatalf("plan exited %d", code)
		}
		total = time.Since(start)
		for line := range strings.SplitSeq(logs.String(), "\n") {
			var rec struct {
				Msg      string `json:"msg"`
				Cmd      string `json:"cmd"`
				Duration int64  `json:"duration"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Cmd != "" && strings.HasSuffix(rec.Msg, " finished") {
				inTofu += time.Duration(rec.Duration)
			}
		}
		return total, inTofu
	}
	var rawRuns, ourRuns, ownRuns []time.Duration
	ours := func() {
		total, inTofu := tierdeploy()
		ourRuns, ownRuns = append(ourRuns, total), append(ownRuns, total-inTofu)
	}
	for i := 0; b.Loop(); i++ {
		for p := range 3 {
			if (i+p)%2 == 0 {
				ours()
				rawRuns = append(rawRuns, raw())
			} else {
				rawRuns = append(rawRuns, raw())
				ours()
			}
		}
	}
	o, r, own := median(ourRuns), median(rawRuns), median(ownRuns)
	b.ReportMetric(float64(o.Milliseconds()), "tierdeploy-ms")
	b.ReportMetric(float64(r.Milliseconds()), "raw-ms")
	b.ReportMetric(float64(o)/float64(r), "tierdeploy/raw")
	// The overhead proper: tierdeploy's time outside tofu (detection,
	// configuration, the version check, reading the plan, the report) over
	// the raw commands' time. It does not move with how busy the machine
	// is when tofu runs.
	b.ReportMetric(float64(own.Milliseconds()), "own-ms")
	b.ReportMetric(float64(own)/float64(r), "own/raw")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
