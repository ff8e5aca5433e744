package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// input10k is a plan of 10,000 resource changes with about 3 MB of plan
// text and 50 secrets to mask, for a GitHub comment.
func input10k(t testing.TB) Input {
	r := bigPlan(t, 10_000)
	for i := range 50 {
		r.Secrets = append(r.Secrets, fmt.Sprintf("ssm-secret-value-%02d-8c1f2e", i))
	}
	return Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, FullOutputHint: "the job summary",
		Stacks: []StackReport{
			{Stack: infra, Reasons: []string{"terraform/modules/airflow/dags.tf"}, Results: []plan.Result{r}},
			{Stack: project, Results: []plan.Result{helmClean("meltano"), helmClean("airflow")}},
		}}
}

func TestRender10kResourcesWithinGitHubBudget(t *testing.T) {
	in := input10k(t)
	require.InDelta(t, 3<<20, len(in.Stacks[0].Results[0].Diff), 1<<20, "about 3 MB of plan text")
	start := time.Now()
	r, err := Render(in)
	elapsed := time.Since(start)
	require.NoError(t, err)
	assert.LessOrEqual(t, Length(r.Body), GitHubBudget)
	assertWellFormed(t, r.Body, in)
	assert.Contains(t, r.Body, "+   aws_s3_object.dag[*]  # 6,000 instances")
	assert.Contains(t, r.Body, "plan text cut in 1 stage")
	t.Logf("rendered %d characters in %s; cut: %v", Length(r.Body), elapsed, r.Cut)
}

// BenchmarkRender10kResources renders the comment for a plan of 10,000
// resource changes (about 3 MB of plan text) into GitHub's budget. It
// reports, besides time and allocations per render, the processor time per
// render (cpu-ms/op, all threads, the garbage collector's included) and the
// process's peak resident memory (peak-MB), where the platform provides
// them.
func BenchmarkRender10kResources(b *testing.B) {
	in := input10k(b)
	b.SetBytes(int64(len(in.Stacks[0].Results[0].Diff)))
	b.ReportAllocs()
	var out Rendered
	cpu0, _ := cpuTime()
	for b.Loop() {
		var err error
		out, err = Render(in)
		if err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, ok := cpuTime(); ok {
		b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(Length(out.Body)), "chars")
	if mb, ok := peakMB(); ok {
		b.ReportMetric(mb, "peak-MB")
	}
}
