package report

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// stage returns a changed Terraform stage of infra with the given plan text.
func stage(name, diff string) plan.Result {
	return plan.Result{Stack: infra, Kind: plan.Terraform, Name: name, HasChanges: true,
		Counts: plan.Counts{Add: 1}, Diff: diff, Fingerprint: "sha256:" + name,
		Resources: []plan.ResourceChange{{Address: "terraform_data." + name, Action: plan.Create}}}
}

func TestBudgetAdversarial(t *testing.T) {
	many := func(n int, mk func(i int) plan.Result) []plan.Result {
		rs := make([]plan.Result, n)
		for i := range rs {
			rs[i] = mk(i)
		}
		return rs
	}
	tests := []struct {
		name   string
		stacks []StackReport
		budget int
		// cut is a word the cut note must hold.
		cut string
	}{
		{
			name:   "a single 200 KB line",
			stacks: []StackReport{{Stack: infra, Results: []plan.Result{stage("one", strings.Repeat("x", 200_000))}}},
			budget: GitHubBudget,
			cut:    "plan text cut in 1 stage",
		},
		{
			name: "10,000 stages",
			stacks: []StackReport{{Stack: infra, Results: many(10_000, func(i int) plan.Result {
				return stage(fmt.Sprintf("s%05d", i), "  + resource \"terraform_data\" \"x\" {}\n")
			})}},
			budget: GitHubBudget,
			cut:    "stages left out",
		},
		{
			name: "10,000 stacks",
			stacks: func() []StackReport {
				ss := make([]StackReport, 10_000)
				for i := range ss {
					st := plan.Stack{Tier: fmt.Sprintf("tier%05d", i), Environment: "prod"}
					r := stage("s", "+ x\n")
					r.Stack = st
					ss[i] = StackReport{Stack: st, Results: []plan.Result{r}}
				}
				return ss
			}(),
			budget: GitHubBudget,
			cut:    "fingerprints left out",
		},
		{
			name:   "lines full of backticks",
			stacks: []StackReport{{Stack: infra, Results: []plan.Result{stage("ticks", strings.Repeat(strings.Repeat("`", 5000)+"\n```\n", 40))}}},
			budget: GitHubBudget,
			cut:    "plan text cut",
		},
		{
			name:   "one line of 100,000 backticks",
			stacks: []StackReport{{Stack: infra, Results: []plan.Result{stage("ticks", strings.Repeat("`", 100_000))}}},
			budget: 10_000,
			cut:    "plan text cut",
		},
		{
			name:   "multibyte characters",
			stacks: []StackReport{{Stack: infra, Results: []plan.Result{stage("utf8", strings.Repeat("  + 名前 = \"データベース😀😀😀\"\n", 20_000))}}},
			budget: GitHubBudget,
			cut:    "plan text cut",
		},
		{
			name: "a failing stage with a huge error",
			stacks: []StackReport{{Stack: infra, Results: []plan.Result{{Stack: infra, Kind: plan.Terraform, Name: "x",
				Err: errors.New(strings.Repeat("Error: something broke\n", 50_000))}}}},
			budget: GitHubBudget,
			cut:    "error text cut in 1 stage",
		},
		{
			name: "a huge resource list and inventory",
			stacks: []StackReport{{Stack: infra, Results: []plan.Result{func() plan.Result {
				r := stage("list", "")
				for i := range 40 {
					for j := range 40 {
						r.Resources = append(r.Resources, plan.ResourceChange{Address: fmt.Sprintf("module.m%d.aws_s3_object.o%d[%d]", i, j, j), Action: plan.Create})
					}
				}
				return r
			}()}}},
			budget: 4000,
			cut:    "resource list cut",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Environment: "prod", Commit: commit, Stacks: tt.stacks, Budget: tt.budget, FullOutputHint: "https://ci.example/job/1"}
			r, err := Render(in)
			require.NoError(t, err)
			assertWellFormed(t, r.Body, in)
			assert.LessOrEqual(t, Length(r.Body), tt.budget)
			assert.Contains(t, r.Body, tt.cut)
			assert.Contains(t, r.Body, "The full report is in [the job log](https://ci.example/job/1).")
			assert.NotEmpty(t, r.Cut)
		})
	}
}

func TestBudgetCutsLargestFirst(t *testing.T) {
	small := strings.Repeat("  + small = 1\n", 50)
	large := strings.Repeat("  + large = 2\n", 10_000)
	in := Input{Environment: "prod", Budget: 20_000, Stacks: []StackReport{{Stack: infra, Results: []plan.Result{
		stage("small", small), stage("large", large)}}}}
	r, err := Render(in)
	require.NoError(t, err)
	assert.Contains(t, r.Body, planDiff(small), "the small plan is whole")
	assert.Equal(t, []string{"plan text of infrastructure/prod terraform large: 1,290 of 10,000 lines shown"}, r.Cut)
	assert.Contains(t, r.Body, "> ✂️ Shortened to fit 20,000 characters: plan text cut in 1 stage. The full report is in the job log.")
}

func TestBudgetTooSmall(t *testing.T) {
	in := Input{Environment: "prod", Budget: 100, Stacks: []StackReport{{Stack: infra, Results: []plan.Result{stage("x", "+ x\n")}}}}
	_, err := Render(in)
	var be *BudgetError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 100, be.Budget)
}

func TestUnlimitedBudget(t *testing.T) {
	in := Input{Environment: "prod", Stacks: []StackReport{{Stack: infra, Results: []plan.Result{bigPlan(t, 2000)}}}}
	r, err := Render(in)
	require.NoError(t, err)
	assert.Empty(t, r.Cut)
	assert.Greater(t, Length(r.Body), GitLabBudget/2)
}

func TestSummaryBudgetCountsBytes(t *testing.T) {
	in := Input{Environment: "prod", Budget: 30_000, Stacks: []StackReport{{Stack: infra, Results: []plan.Result{
		stage("utf8", strings.Repeat("  + 名前 = \"データ\"\n", 5000))}}}}
	r, err := RenderSummary(in)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(r.Body), 30_000)
	assert.Contains(t, r.Body, "Shortened to fit 30,000 bytes")
}
