package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
)

// bench500 writes a repository with one stack of 500 terraform_data
// resources.
func bench500(b *testing.B) string {
	b.Helper()
	r := gittest.New(b)
	var tf strings.Builder
	tf.WriteString("terraform {\n  backend \"local\" {}\n}\n\n")
	for i := range 500 {
		fmt.Fprintf(&tf, "resource \"terraform_data\" \"r%03d\" {\n  input = { index = %d, name = \"resource-%03d\" }\n}\n\n", i, i, i)
	}
	tf.WriteString("output \"count\" {\n  value = 500\n}\n")
	r.Write(map[string]string{
		"tierdeploy.yaml": "version: 1\ntiers:\n  - name: infra\n    terraform:\n      dir: infra\n",
		"infra/main.tf":   tf.String(),
	})
	r.Commit("500 resources")
	return r.Dir
}

// BenchmarkPlan500 runs tierdeploy's whole plan of a 500-resource stack
// against the raw commands it runs (init, plan -out, show -json, show), in
// the same run, and reports the ratio.
func BenchmarkPlan500(b *testing.B) {
	if testing.Short() {
		b.Skip("runs OpenTofu")
	}
	offlineTofu(b)
	clearCI(b)
	dir := bench500(b)
	tofu, err := exec.LookPath("tofu")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	stack := filepath.Join(dir, "infra")
	tofuRun := func(data string, args ...string) {
		cmd := exec.CommandContext(ctx, tofu, args...)
		cmd.Dir = stack
		cmd.Env = append(os.Environ(), "TF_DATA_DIR="+data, "TF_IN_AUTOMATION=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			var ee *exec.ExitError
			if !(args[0] == "plan" && errors.As(err, &ee) && ee.ExitCode() == 2) {
				b.Fatalf("tofu %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
	}
	var raw time.Duration
	b.Run("raw-tofu", func(b *testing.B) {
		for b.Loop() {
			work := b.TempDir()
			data := filepath.Join(work, "data")
			planFile := filepath.Join(work, "plan.out")
			tofuRun(data, "init", "-input=false", "-no-color")
			tofuRun(data, "plan", "-input=false", "-no-color", "-detailed-exitcode", "-out", planFile)
			tofuRun(data, "show", "-json", planFile)
			tofuRun(data, "show", "-no-color", planFile)
		}
		raw = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("tierdeploy-plan", func(b *testing.B) {
		for b.Loop() {
			d := deps([]string{"--chdir", dir, "plan", "--all"})
			d.Stdout, d.Stderr = io.Discard, io.Discard
			if code := app.Main(ctx, d); code != 0 {
				b.Fatalf("plan exited %d", code)
			}
		}
		if raw > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(raw), "x-raw-tofu")
		}
	})
}
