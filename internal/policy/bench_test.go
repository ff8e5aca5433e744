package policy

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// bigStack is a configuration of n resources, in the shapes policies look
// at: nested inputs with names, sizes and tags.
func bigStack(n int) string {
	return fmt.Sprintf(`variable "n" {
  type    = number
  default = %d
}

resource "terraform_data" "bucket" {
  count = var.n
  input = {
    name     = "bucket-${count.index}"
    size     = count.index %% 7
    public   = count.index %% 501 == 500
    tags     = { team = "data", cost_center = "cc-${count.index %% 13}", environment = "prod" }
    rules    = [for i in range(3) : { id = "rule-${i}", days = 30 * (i + 1) }]
  }
}
`, n)
}

// benchRules are 14 more rules, beside the 6 deny and warn rules of the
// reference deployment's prod policies (each rule name of a package is one
// query): 7 look into every resource of the stack, 7 into resources of
// other types, as policies for a mixed platform do.
const benchRules = `package bench.resources

deny_public contains msg if {
	some rc in input.resource_changes
	rc.change.after.input.public == true
	msg := sprintf("%s is public", [rc.address])
}

deny_no_team contains msg if {
	some rc in input.resource_changes
	not rc.change.after.input.tags.team
	msg := sprintf("%s has no team tag", [rc.address])
}

deny_cost_center contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_instance"
	not startswith(rc.change.after.input.tags.cost_center, "cc-")
	msg := sprintf("%s: bad cost center", [rc.address])
}

deny_environment contains msg if {
	some rc in input.resource_changes
	rc.change.after.input.tags.environment != input.tierdeploy.environment
	msg := sprintf("%s is tagged for another environment", [rc.address])
}

deny_size contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_ebs_volume"
	rc.change.after.input.size > 6
	msg := sprintf("%s is too big", [rc.address])
}

deny_name contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_s3_bucket"
	not regex.match("^bucket-[0-9]+$", rc.change.after.input.name)
	msg := sprintf("%s: bad name", [rc.address])
}

deny_rules contains msg if {
	some rc in input.resource_changes
	some rule in rc.change.after.input.rules
	rule.days > 365
	msg := sprintf("%s: rule %s keeps too long", [rc.address, rule.id])
}

warn_deletes contains msg if {
	some rc in input.resource_changes
	"delete" in rc.change.actions
	msg := sprintf("%s is deleted", [rc.address])
}

warn_many contains msg if {
	count(input.resource_changes) > 5000
	msg := "a very large change"
}

deny_rule_ids contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_s3_bucket_lifecycle_configuration"
	some rule in rc.change.after.input.rules
	not startswith(rule.id, "rule-")
	msg := sprintf("%s: rule %s is not named rule-", [rc.address, rule.id])
}

deny_tag_count contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_lambda_function"
	count(rc.change.after.input.tags) > 10
	msg := sprintf("%s has too many tags", [rc.address])
}

warn_name_length contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_iam_role"
	count(rc.change.after.input.name) > 60
	msg := sprintf("%s has a long name", [rc.address])
}

warn_cost_center contains msg if {
	some rc in input.resource_changes
	rc.type == "aws_instance"
	rc.change.after.input.tags.cost_center == "cc-99"
	msg := sprintf("%s: retired cost center", [rc.address])
}

warn_size contains msg if {
	some rc in input.resource_changes
	rc.change.after.input.size == 6
	startswith(rc.address, "terraform_data.nothing")
	msg := sprintf("%s is big", [rc.address])
}
`

// benchPolicies copies the reference deployment's prod policies into a new
// repository with benchRules: 20 deny and warn rules.
func benchPolicies(t testing.TB) (string, []string) {
	t.Helper()
	root := t.TempDir()
	src := testtools.Root(t)
	for _, d := range []string{"policy/terraform", "policy/prod"} {
		require.NoError(t, os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join(src, d))))
	}
	require.NoError(t, os.MkdirAll(filepath.Join(root, "policy", "bench"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "policy", "bench", "rules.rego"), []byte(benchRules), 0o644))
	return root, []string{"policy/terraform", "policy/prod", "policy/bench"}
}

// times are the wall-clock and processor times of a step.
type times struct{ wall, cpu time.Duration }

func (a times) plus(b times) times { return times{a.wall + b.wall, a.cpu + b.cpu} }

// cpuTime returns the processor time used so far by this process (who) or
// by its finished children.
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f and returns its wall time and the processor time of who.
func measure(who int, f func()) times {
	c, w := cpuTime(who), time.Now()
	f()
	return times{time.Since(w), cpuTime(who) - c}
}

// overhead plans a stack of n resources with the raw tofu (plan, then show
// -json) and checks the plan against 20 rules (building the masked input
// and evaluating), and returns the times of both and the time the
// policies took to compile.
func overhead(t testing.TB, n int, runs int) (planTime, evalTime times, compile time.Duration, findings int) {
	tofu := testtools.Tofu(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	env = append(env, testtools.TofuEnv(t)...)
	dir := writeConfig(t, map[string]string{"main.tf": bigStack(n)})
	tofuRun(t, tofu, env, dir, "init", "-input=false")

	root, dirs := benchPolicies(t)
	start := time.Now()
	e, err := Load(t.Context(), Options{Root: root, Dirs: dirs})
	require.NoError(t, err)
	compile = time.Since(start)
	rules := 0
	for _, s := range e.sets {
		rules += len(s.rules)
	}
	require.Equal(t, 20, rules)

	stack := plan.Stack{Tier: "infrastructure", Environment: "prod"}
	for range runs {
		var js []byte
		planTime = planTime.plus(measure(syscall.RUSAGE_CHILDREN, func() {
			tofuRun(t, tofu, env, dir, "plan", "-input=false", "-lock=false", "-out=big.tfplan")
			js = tofuRun(t, tofu, env, dir, "show", "-json", "big.tfplan")
		}))
		var res check.Result
		evalTime = evalTime.plus(measure(syscall.RUSAGE_SELF, func() {
			in, err := checkinput.Terraform(js, checkinput.Stage{Stack: stack, Name: "big", Command: "plan"})
			require.NoError(t, err)
			res, err = e.Check(t.Context(), in)
			require.NoError(t, err)
		}))
		findings = 0
		for _, c := range res.Checks {
			findings += len(c.Findings)
		}
	}
	return planTime, evalTime, compile, findings
}

// BenchmarkPolicyOverhead2000 measures what checking a 2,000-resource
// stack against 20 rules (building the masked input and evaluating)
// adds to the raw tofu plan and show -json of the same stack.
func BenchmarkPolicyOverhead2000(b *testing.B) {
	if testing.Short() {
		b.Skip("runs tofu")
	}
	var planTime, evalTime times
	var compile time.Duration
	for b.Loop() {
		p, e, c, _ := overhead(b, 2000, 1)
		planTime, evalTime, compile = planTime.plus(p), evalTime.plus(e), c
	}
	b.ReportMetric(float64(planTime.wall.Milliseconds())/float64(b.N), "plan-ms/op")
	b.ReportMetric(float64(evalTime.wall.Milliseconds())/float64(b.N), "policy-ms/op")
	b.ReportMetric(float64(compile.Milliseconds()), "compile-ms")
	b.ReportMetric(100*evalTime.wall.Seconds()/planTime.wall.Seconds(), "%-of-plan")
	b.ReportMetric(100*evalTime.cpu.Seconds()/planTime.cpu.Seconds(), "%-of-plan-cpu")
}

// TestPolicyOverheadUnderTenPercent holds the benchmark's promise: the
// checks add less than 10% to the plan of a 2,000-resource stack.
func TestPolicyOverheadUnderTenPercent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs tofu")
	}
	planTime, evalTime, compile, findings := overhead(t, 2000, 2)
	wall := evalTime.wall.Seconds() / planTime.wall.Seconds()
	cpu := evalTime.cpu.Seconds() / planTime.cpu.Seconds()
	t.Logf("plan+show %s (processor %s), policies %s (processor %s): %.1f%% of the wall time, %.1f%% of the processor time; compile %s, %d findings",
		planTime.wall/2, planTime.cpu/2, evalTime.wall/2, evalTime.cpu/2, 100*wall, 100*cpu, compile, findings)
	// Processor time, not wall time, decides: on a shared machine the wall
	// time of either side depends on what else runs.
	if cpu >= 0.10 {
		t.Errorf("policy evaluation took %.1f%% of the plan's processor time: %s against %s", 100*cpu, evalTime.cpu/2, planTime.cpu/2)
	}
}
