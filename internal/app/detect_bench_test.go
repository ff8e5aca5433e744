package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const (
	benchFiles   = 100_000
	benchChanged = 10_000
	benchTiers   = 50
)

// benchRepo builds a repository of benchFiles files in benchTiers tiers and
// two environments, and a second commit that changes benchChanged paths
// (modifications, some renames and deletions) across every tier.
func benchRepo(b *testing.B) (dir, base, head string) {
	b.Helper()
	r := gittest.New(b)
	var cfg strings.Builder
	cfg.WriteString("version: 1\nenvironments:\n  - name: staging\n  - name: prod\ntiers:\n")
	files := map[string]string{}
	for i := range benchTiers {
		fmt.Fprintf(&cfg, "  - name: t%02d\n    paths: [\"data/t%02d/**\"]\n    terraform:\n      dir: stacks/t%02d/{environment}\n", i, i, i)
		if i > 0 {
			fmt.Fprintf(&cfg, "    needs: [t%02d]\n", i-1)
		}
		for _, env := range []string{"staging", "prod"} {
			files[fmt.Sprintf("stacks/t%02d/%s/main.tf", i, env)] = fmt.Sprintf("module \"m\" {\n  source = \"../../../modules/m%02d\"\n}\n", i)
			for f := range 4 {
				files[fmt.Sprintf("stacks/t%02d/%s/f%d.tf", i, env, f)] = "variable \"v\" {}\n"
			}
		}
		for f := range 5 {
			files[fmt.Sprintf("modules/m%02d/f%d.tf", i, f)] = "resource \"terraform_data\" \"x\" {}\n"
		}
	}
	files["tierdeploy.yaml"] = cfg.String()
	for n := 0; len(files) < benchFiles; n++ {
		files[fmt.Sprintf("data/t%02d/d%03d/file%05d.txt", n%benchTiers, (n/benchTiers)%200, n)] = fmt.Sprintf("content %d\n", n)
	}
	r.Write(files)
	base = r.Commit("base")
	r.Git("checkout", "-q", "-b", "change")
	changed := 0
	for n := 0; changed < benchChanged; n += 7 {
		p := fmt.Sprintf("data/t%02d/d%03d/file%05d.txt", n%benchTiers, (n/benchTiers)%200, n)
		full := filepath.Join(r.Dir, p)
		switch {
		case changed%100 == 0:
			if err := os.Remove(full); err != nil {
				b.Fatal(err)
			}
		case changed%100 == 1:
			if err := os.Rename(full, full+".moved"); err != nil {
				b.Fatal(err)
			}
		default:
			if err := os.WriteFile(full, []byte(fmt.Sprintf("changed %d\n", n)), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		changed++
	}
	head = r.Commit("change")
	return r.Dir, base, head
}

// BenchmarkDetect compares tierdeploy's whole detection (git included) with
// the raw git diff it runs, on a repository of 100,000 files with a change of
// 10,000 paths across 50 tiers and 2 environments, and measures the part
// beyond git (parsing git's output and selecting stacks) on its own.
func BenchmarkDetect(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 100,000-file repository")
	}
	dir, base, head := benchRepo(b)
	ctx := context.Background()

	var diff []byte
	var gitAvg time.Duration
	b.Run("raw-git-diff", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.CommandContext(ctx, "git", "diff", "--name-status", "-z", "-M", base, head)
			cmd.Dir = dir
			out, err := cmd.Output()
			if err != nil || len(out) == 0 {
				b.Fatalf("git diff: %v", err)
			}
			diff = out
		}
		gitAvg = b.Elapsed() / time.Duration(b.N)
	})
	b.Run("tierdeploy-detect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			code := Main(ctx, Deps{
				Args:   []string{"--chdir", dir, "detect", "--base", base, "--head", head, "--format", "json"},
				Stdout: io.Discard, Stderr: io.Discard,
				Getenv: func(string) string { return "" },
				Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
			})
			if code != 0 {
				b.Fatalf("detect exited %d", code)
			}
		}
		if gitAvg > 0 {
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(gitAvg), "x-raw-git")
		}
	})
	b.Run("beyond-git", func(b *testing.B) {
		cfg, err := config.Load(filepath.Join(dir, config.DefaultFile))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			cs, err := changes.ParseNameStatus(diff)
			if err != nil {
				b.Fatal(err)
			}
			sel, err := tier.Select(tier.Input{Config: cfg, Paths: changes.Paths(cs)}, deps.New(os.DirFS(dir)))
			if err != nil || len(sel.Stacks) != 2*benchTiers {
				b.Fatalf("selected %d stacks (%v), want %d", len(sel.Stacks), err, 2*benchTiers)
			}
			if err := writeDetectJSON(io.Discard, sel); err != nil {
				b.Fatal(err)
			}
		}
	})
}
