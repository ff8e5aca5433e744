package report

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// infraChecks are the checks of the infrastructure stack: a denying and a
// warning policy, a passing one, and a failing checker whose output is
// hostile.
func infraChecks() check.Result {
	return check.Result{Checks: []check.Check{
		{Kind: check.Policy, Name: "terraform.s3", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Fail,
			Duration: 12 * time.Millisecond, Findings: []check.Finding{
				{Status: check.Fail, Rule: "deny", Message: "aws_s3_bucket_public_access_block.logs: block_public_policy must be true: it lets the bucket be made public"},
				{Status: check.Fail, Rule: "deny", Message: "aws_s3_bucket_policy.logs: the password " + secretNew + " is <b>public</b> | @team"},
			}},
		{Kind: check.Policy, Name: "staging.rds", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Warn,
			Duration: 3 * time.Millisecond, Findings: []check.Finding{
				{Status: check.Warn, Rule: "warn", Message: "aws_db_instance.main: deletion_protection is off in staging"},
			}},
		{Kind: check.Policy, Name: "terraform.ecr", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Pass, Duration: 2 * time.Millisecond},
		{Kind: check.Command, Name: "trivy", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Fail,
			Duration: 4 * time.Second, Findings: []check.Finding{{Status: check.Fail, Rule: "exit status 1", Message: "failed"}},
			Output: check.Output{Text: "CRITICAL: AVD-AWS-0086 public bucket\n::add-mask::x\n```\n</details>\nDB " + secretNew + "\n",
				Lines: 1200, Bytes: 98000, Truncated: true}},
	}}
}

func helmChecks() check.Result {
	return check.Result{Checks: []check.Check{
		{Kind: check.Policy, Name: "helm.images", StageKind: plan.Helm, Stage: "meltano", Status: check.Pass, Duration: time.Millisecond},
		{Kind: check.Policy, Name: "helm.images", StageKind: plan.Helm, Stage: "airflow", Status: check.Pass, Duration: time.Millisecond},
	}}
}

func checksInput(t *testing.T) Input {
	return Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, FullOutputHint: "the job summary",
		Stacks: []StackReport{
			{Stack: infra, Reasons: []string{"terraform/environments/prod/main.tf"}, Results: []plan.Result{infraChanges(t)}, Checks: infraChecks()},
			{Stack: project, Results: []plan.Result{helmClean("meltano"), helmClean("airflow")}, Checks: helmChecks()},
		}}
}

func TestGoldenChecks(t *testing.T) {
	in := checksInput(t)
	r, err := Render(in)
	require.NoError(t, err)
	golden(t, "checks", r.Body)
	assert.Empty(t, r.Cut)
	if msg := wellFormed(r.Body, in, true); msg != "" {
		t.Errorf("%s:\n%s", msg, r.Body)
	}
	assert.Contains(t, r.Body, "### ❌ Plan for `prod`: 1 stack denied by checks; ")
	assert.Contains(t, r.Body, "| `infrastructure/prod` | ❌ denied by checks | `+2 ~1 -1`")
	assert.Contains(t, r.Body, "| ❌ 2 failed, 1 warned, 1 passed |")
	assert.Contains(t, r.Body, "| ✅ 2 passed |")
	assert.NotContains(t, r.Body, "terraform.ecr", "a comment lists failed and warned checks only")
	assert.Contains(t, r.Body, "\n````text\nCRITICAL: AVD-AWS-0086 public bucket\n::add-mask::x\n```\n", "checker output stays inside a fence it cannot close")
	assert.NotContains(t, r.Body, secretNew)

	in.Budget = SummaryBudget
	s, err := RenderSummary(in)
	require.NoError(t, err)
	golden(t, "checks-summary", s.Body)
	assert.Contains(t, s.Body, "policy `terraform.ecr` on terraform `terraform/environments/prod`: passed (2ms)")
	assert.Contains(t, s.Body, "policy `helm.images` on helm `airflow`: passed")
}

func TestChecksFitTheBudget(t *testing.T) {
	many := check.Check{Kind: check.Policy, Name: "terraform.tags", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Fail}
	for i := range 3000 {
		many.Findings = append(many.Findings, check.Finding{Status: check.Fail, Rule: "deny",
			Message: fmt.Sprintf("aws_instance.worker[%d]: tag cost_center is missing %s", i, strings.Repeat("x", 80))})
	}
	loud := check.Check{Kind: check.Command, Name: "checkov", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Fail,
		Findings: []check.Finding{{Status: check.Fail, Rule: "exit status 1", Message: "failed"}},
		Output:   check.Output{Text: strings.Repeat("Check: CKV_AWS_18 FAILED for resource aws_s3_bucket.logs\n", 1200), Lines: 50000, Bytes: 3 << 20, Truncated: true}}
	in := checksInput(t)
	in.Stacks[0].Checks.Checks = append(in.Stacks[0].Checks.Checks, many, loud)
	r, err := Render(in)
	require.NoError(t, err)
	assert.LessOrEqual(t, Length(r.Body), GitHubBudget)
	if msg := wellFormed(r.Body, in, true); msg != "" {
		t.Errorf("%s:\n%s", msg, r.Body)
	}
	assert.Contains(t, r.Body, "denied by checks", "the verdict survives the cut")
	assert.Contains(t, r.Body, `aws\_s3\_bucket\_public\_access\_block.logs: block\_public\_policy must be true`)
	assert.Regexp(t, `more findings not shown`, r.Body)
	assert.Contains(t, strings.Join(r.Cut, "\n"), "check findings: ")
	assert.Contains(t, r.Body, "check findings left out")
	assert.NotContains(t, r.Body, secretNew)
}

func TestChecksAppearOnlyWithChecks(t *testing.T) {
	in := checksInput(t)
	for i := range in.Stacks {
		in.Stacks[i].Checks = check.Result{}
	}
	r, err := Render(in)
	require.NoError(t, err)
	assert.NotContains(t, r.Body, "Checks")
	assert.Contains(t, r.Body, "| Stack | Result | Changes |\n")
}

func TestWarnOnlyDoesNotDeny(t *testing.T) {
	in := checksInput(t)
	in.Stacks[0].Checks = check.Result{Checks: infraChecks().Checks[1:3]}
	r, err := Render(in)
	require.NoError(t, err)
	assert.NotContains(t, r.Body, "denied")
	assert.Contains(t, r.Body, "| ⚠️ 1 warned, 1 passed |")
	assert.Contains(t, r.Body, "### 📝 Plan for `prod`")
}

// FuzzRenderChecks renders random check messages and checker output into
// random budgets: within budget, fences and <details> closed, no secret.
func FuzzRenderChecks(f *testing.F) {
	f.Add("deny: bucket is public", "```\n::add-mask::x\n</details>\n", uint32(65536), uint16(3), []byte("s3cr"))
	f.Add("<details>|@x", "````", uint32(2500), uint16(300), []byte{0xff})
	f.Fuzz(func(t *testing.T, msg, output string, budget uint32, n uint16, seed []byte) {
		secret := "zq" + hex.EncodeToString(seed)
		in := checksInput(t)
		in.Budget = int(budget % 200_000)
		in.Secrets = []string{secret}
		c := check.Check{Kind: check.Command, Name: msg, Stage: msg, StageKind: plan.Terraform, Status: check.Fail,
			Output: check.Output{Text: output + secret, Lines: 3, Bytes: 9, Truncated: true}}
		for i := range int(n % 500) {
			c.Findings = append(c.Findings, check.Finding{Status: check.Status(i % 3), Rule: msg, Message: msg + secret})
		}
		in.Stacks[0].Checks.Checks = append(in.Stacks[0].Checks.Checks, c)
		r, err := Render(in)
		var be *BudgetError
		if errors.As(err, &be) && in.Budget < 4000 {
			return
		}
		if err != nil {
			t.Fatalf("budget %d: %v", in.Budget, err)
		}
		if m := wellFormed(r.Body, in, true); m != "" {
			t.Fatalf("%s:\n%s", m, r.Body)
		}
	})
}
