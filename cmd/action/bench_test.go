package main

import (
	"bytes"
	"context"
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
		env := append(os.Environ(), "TF_DATA_DIR="+filepath.Join(work, "data"), "TF_IN_AUTOMATION=1")
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
	tierdeploy := func() time.Duration {
		d := deps([]string{"--chdir", dir, "plan", "--all"})
		d.Stdout, d.Stderr = io.Discard, io.Discard
		start := time.Now()
		if code := app.Main(ctx, d); code != 0 {
			b.Fatalf("plan exited %d", code)
		}
		return time.Since(start)
	}
	var rawRuns, ourRuns []time.Duration
	for i := 0; b.Loop(); i++ {
		for p := range 3 {
			if (i+p)%2 == 0 {
				ourRuns = append(ourRuns, tierdeploy())
				rawRuns = append(rawRuns, raw())
			} else {
				rawRuns = append(rawRuns, raw())
				ourRuns = append(ourRuns, tierdeploy())
			}
		}
	}
	o, r := median(ourRuns), median(rawRuns)
	b.ReportMetric(float64(o.Milliseconds()), "tierdeploy-ms")
	b.ReportMetric(float64(r.Milliseconds()), "raw-ms")
	b.ReportMetric(float64(o)/float64(r), "tierdeploy/raw")
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
