package deploy

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/golden"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fakeChecker is a Checker from a function.
type fakeChecker func(ctx context.Context, p StackPlan) (check.Result, []string, error)

func (f fakeChecker) Check(ctx context.Context, p StackPlan) (check.Result, []string, error) {
	return f(ctx, p)
}

// recordingChecker answers with answer and records what it was asked.
type recordingChecker struct {
	mu     sync.Mutex
	seen   []StackPlan
	answer func(p StackPlan) (check.Result, []string, error)
}

func (c *recordingChecker) Check(_ context.Context, p StackPlan) (check.Result, []string, error) {
	c.mu.Lock()
	c.seen = append(c.seen, p)
	c.mu.Unlock()
	if c.answer == nil {
		return passed(p), nil, nil
	}
	return c.answer(p)
}

func (c *recordingChecker) stacks() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, p := range c.seen {
		out = append(out, p.Stack.Key().String())
	}
	return out
}

// checkedTF is a Terraform stage that tells its plan JSON.
type checkedTF struct {
	*fakeTF
	json []byte
	err  error
}

func (c checkedTF) PlanJSON() ([]byte, error) { return c.json, c.err }

// checkedHelm is a Helm stage that tells its rendered manifest.
type checkedHelm struct {
	*fakeHelm
	manifest string
}

func (c checkedHelm) Manifest() string { return c.manifest }

// stageOf names the first planned stage of p.
func stageOf(p StackPlan) (plan.Kind, string) {
	if len(p.Stages) == 0 {
		return plan.Terraform, "none"
	}
	return p.Stages[0].Result.Kind, p.Stages[0].Result.Name
}

// passed is one passing policy on the stack's first stage.
func passed(p StackPlan) check.Result {
	kind, name := stageOf(p)
	return check.Result{Checks: []check.Check{{Kind: check.Policy, Name: "terraform.s3", StageKind: kind, Stage: name, Status: check.Pass}}}
}

// deniedAndWarned is a failed policy and a warning checker.
func deniedAndWarned(p StackPlan) check.Result {
	kind, name := stageOf(p)
	return check.Result{Checks: []check.Check{
		{Kind: check.Policy, Name: "terraform.s3", StageKind: kind, Stage: name, Status: check.Fail,
			Findings: []check.Finding{{Status: check.Fail, Rule: "deny", Message: "aws_s3_bucket.logs is public"}}},
		{Kind: check.Command, Name: "size", StageKind: kind, Stage: name, Status: check.Warn,
			Findings: []check.Finding{{Status: check.Warn, Rule: "exit status 3", Message: "warned"}},
			Output:   check.Output{Text: "db.r6g.4xlarge is large\n", Lines: 1, Bytes: 24}},
	}}
}

// warned is a warning policy.
func warned(p StackPlan) check.Result {
	kind, name := stageOf(p)
	return check.Result{Checks: []check.Check{{Kind: check.Policy, Name: "staging.rds", StageKind: kind, Stage: name, Status: check.Warn,
		Findings: []check.Finding{{Status: check.Warn, Rule: "warn", Message: "aws_db_instance.main: deletion_protection is off"}}}}}
}

func TestPlanChecks(t *testing.T) {
	errPolicy := errors.New("invalid policy")
	tests := []struct {
		name   string
		answer func(p StackPlan) (check.Result, []string, error)
		want   []string
		// checked are the stacks the checker saw.
		checked []string
		failed  bool
		// denied is set when the infrastructure stack is denied by checks,
		// not failed by them.
		denied bool
	}{
		{
			name:    "checks pass",
			want:    []string{"infrastructure/prod changes", "project/prod changes"},
			checked: []string{"infrastructure/prod", "project/prod"},
		},
		{
			name: "a deny fails the stack and its dependents are still planned",
			answer: func(p StackPlan) (check.Result, []string, error) {
				if p.Stack.Tier == "infrastructure" {
					return deniedAndWarned(p), nil, nil
				}
				return passed(p), nil, nil
			},
			want: []string{"infrastructure/prod failed: denied by checks: 1 check(s) failed: terraform.s3: aws_s3_bucket.logs is public",
				"project/prod changes"},
			checked: []string{"infrastructure/prod", "project/prod"},
			failed:  true,
			denied:  true,
		},
		{
			name:    "a warning only reports",
			answer:  func(p StackPlan) (check.Result, []string, error) { return warned(p), nil, nil },
			want:    []string{"infrastructure/prod changes", "project/prod changes"},
			checked: []string{"infrastructure/prod", "project/prod"},
		},
		{
			name: "checks that cannot run fail the stack and stop its dependents",
			answer: func(p StackPlan) (check.Result, []string, error) {
				return check.Result{}, nil, errors.New("checks of infrastructure/prod: timeout")
			},
			want:    []string{"infrastructure/prod failed: the checks could not run: checks of infrastructure/prod: timeout", "project/prod skipped: prerequisite-failed"},
			checked: []string{"infrastructure/prod"},
			failed:  true,
		},
		{
			name:    "a bad policy is kept as the cause",
			answer:  func(StackPlan) (check.Result, []string, error) { return check.Result{}, nil, errPolicy },
			want:    []string{"infrastructure/prod failed: the checks could not run: invalid policy", "project/prod skipped: prerequisite-failed"},
			checked: []string{"infrastructure/prod"},
			failed:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.terraform("infrastructure/prod", &fakeTF{plan: changes(2)})
			w.terraform("project/prod", &fakeTF{plan: changes(1)})
			c := &recordingChecker{answer: tt.answer}
			out := runPlan(t, w, newFakeStore(), stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory,project/terraform/main.tf"),
				func(p *Plan) { p.Checks = c; p.Parallelism = 1 })
			assert.Equal(t, tt.want, outcomeLines(out))
			assert.Equal(t, tt.checked, c.stacks())
			assert.Equal(t, tt.failed, out.Err() != nil)
			var ce *CheckError
			if tt.failed {
				require.ErrorAs(t, out.Stacks[0].Err, &ce)
				assert.Equal(t, tt.denied, ce.Denied())
				assert.Equal(t, tt.denied, out.Stacks[0].deniedOnly())
			}
			if tt.name == "a bad policy is kept as the cause" {
				assert.ErrorIs(t, out.Stacks[0].Err, errPolicy)
			}
			_, body := renderPlan(t, out, PlanComments{Number: 7})
			golden.Assert(t, "plan-checks-"+strings.ReplaceAll(tt.name, " ", "-"), body)
		})
	}
}

func TestChecksSeeThePlannedStages(t *testing.T) {
	w := newWorld(t)
	out := plan.OutputChange{Name: "db_host", Action: plan.Update, Before: []byte(`"db.old"`), After: []byte(`"db.new"`)}
	w.tools.newTerraform = func(spec TerraformSpec) (TerraformStage, error) {
		js := `{"stack":"` + spec.Stack.String() + `"}`
		if spec.Stack.Tier == "infrastructure" {
			return checkedTF{fakeTF: &fakeTF{plan: changes(1, out)}, json: []byte(js)}, nil
		}
		return checkedTF{fakeTF: &fakeTF{plan: changes(1)}, json: []byte(js)}, nil
	}
	w.tools.newHelm = func(spec HelmSpec) (HelmStage, error) {
		return checkedHelm{fakeHelm: &fakeHelm{plan: func(context.Context) (plan.Result, error) {
			return plan.Result{HasChanges: true}, nil
		}}, manifest: "kind: Deployment # " + spec.Release.Release}, nil
	}
	st := newFakeStore()
	st.docs["prod"] = publishedInventory("prod")
	c := &recordingChecker{}
	o := runPlan(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"), func(p *Plan) {
		p.Checks, p.Labels, p.Parallelism = c, []string{"allow-destroy"}, 1
	})
	require.Equal(t, []string{"infrastructure/prod changes", "project/prod changes"}, outcomeLines(o))
	require.Len(t, c.seen, 2)

	infra, project := c.seen[0], c.seen[1]
	assert.Equal(t, CommandPlan, infra.Command)
	assert.Equal(t, []string{"allow-destroy"}, infra.Labels)
	require.Len(t, infra.Stages, 1)
	assert.JSONEq(t, `{"stack":"infrastructure/prod"}`, string(infra.Stages[0].PlanJSON))
	assert.Nil(t, infra.Stages[0].Release)
	require.NotNil(t, infra.Predicted, "the publisher's checks see the inventory change its plan predicts")
	assert.Equal(t, "db_host", infra.Predicted.Changed[0].Key)

	require.Len(t, project.Stages, 3)
	assert.Equal(t, plan.Terraform, project.Stages[0].Result.Kind)
	assert.JSONEq(t, `{"stack":"project/prod"}`, string(project.Stages[0].PlanJSON))
	for i, rel := range []string{"app", "worker"} {
		sp := project.Stages[i+1]
		assert.Equal(t, plan.Helm, sp.Result.Kind)
		assert.Equal(t, "kind: Deployment # "+rel, sp.Manifest)
		require.NotNil(t, sp.Release)
		assert.Equal(t, rel, sp.Release.Release)
		assert.Nil(t, sp.PlanJSON)
	}
	assert.Equal(t, []string{"values/prod.yaml"}, project.Stages[1].Release.Values, "the release is expanded for the environment")
	require.NotNil(t, project.Inventory)
	assert.Equal(t, "db.new", string(project.Inventory.Values["db_host"][1:len(project.Inventory.Values["db_host"])-1]),
		"the dependent's checks see the inventory it was planned against")
}

func TestChecksOfAStageWhosePlanCannotBeRead(t *testing.T) {
	w := newWorld(t)
	w.tools.newTerraform = func(spec TerraformSpec) (TerraformStage, error) {
		return checkedTF{fakeTF: &fakeTF{plan: changes(1)}, err: errors.New("open plan.json: no such file")}, nil
	}
	c := &recordingChecker{}
	o := runPlan(t, w, newFakeStore(), stacks("infrastructure/prod:infra/prod/main.tf"), func(p *Plan) { p.Checks = c })
	assert.Equal(t, []string{"infrastructure/prod failed: the checks could not run: read the plan JSON of infra/prod: open plan.json: no such file"}, outcomeLines(o))
	assert.Empty(t, c.seen, "checks never run without their input")
}

func TestChecksSkipAFailedStack(t *testing.T) {
	w := newWorld(t)
	w.terraform("infrastructure/prod", &fakeTF{plan: failing("terraform plan: exit status 1")})
	c := &recordingChecker{}
	o := runPlan(t, w, newFakeStore(), stacks("infrastructure/prod:infra/prod/main.tf"), func(p *Plan) { p.Checks = c })
	assert.Equal(t, []string{"infrastructure/prod failed: terraform plan: exit status 1"}, outcomeLines(o))
	assert.Empty(t, c.seen)
}

func TestCheckSecretsAreMaskedEverywhere(t *testing.T) {
	w := newWorld(t)
	w.terraform("infrastructure/prod", &fakeTF{plan: changes(1)})
	c := fakeChecker(func(_ context.Context, p StackPlan) (check.Result, []string, error) {
		return warned(p), []string{"hunter2-from-the-plan"}, nil
	})
	var mu sync.Mutex
	var masks []string
	o := runPlan(t, w, newFakeStore(), stacks("infrastructure/prod:infra/prod/main.tf"), func(p *Plan) {
		p.Checks, p.Masker = c, recordingMasker{mu: &mu, events: &masks}
	})
	assert.Equal(t, []string{"mask hunter2-from-the-plan"}, masks, "registered with the runner as soon as known")
	assert.Contains(t, o.Secrets(), "hunter2-from-the-plan")
	pub, _ := renderPlan(t, o, PlanComments{Number: 7})
	assert.Contains(t, pub.Secrets, "hunter2-from-the-plan", "the publisher masks what the checks masked")
}

func TestApplyChecks(t *testing.T) {
	tests := []struct {
		name    string
		answer  func(p StackPlan) (check.Result, []string, error)
		applied bool
		want    []string
	}{
		{
			name:    "a deny is not applied",
			answer:  func(p StackPlan) (check.Result, []string, error) { return deniedAndWarned(p), nil, nil },
			want:    []string{"infrastructure/prod failed: denied by checks: 1 check(s) failed: terraform.s3: aws_s3_bucket.logs is public"},
			applied: false,
		},
		{
			name: "checks that cannot run are not applied",
			answer: func(p StackPlan) (check.Result, []string, error) {
				return check.Result{}, nil, context.DeadlineExceeded
			},
			want:    []string{"infrastructure/prod failed: the checks could not run: context deadline exceeded"},
			applied: false,
		},
		{
			name:    "a warning is applied",
			answer:  func(p StackPlan) (check.Result, []string, error) { return warned(p), nil, nil },
			want:    []string{"infrastructure/prod changes"},
			applied: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := newFakeStore()
			appliedTF := false
			w.terraform("infrastructure/prod", &fakeTF{plan: changes(1), outputs: outputs(1), apply: func(context.Context) error {
				appliedTF = true
				return nil
			}})
			a := newApply(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf"))
			a.Environments, a.Tiers = []string{"prod"}, []string{"infrastructure"}
			a.Labels = []string{"approved"}
			c := &recordingChecker{answer: tt.answer}
			a.Checks = c
			out, err := a.Run(t.Context())
			require.NoError(t, err)
			assert.Equal(t, tt.want, outcomeLines(out))
			assert.Equal(t, tt.applied, appliedTF)
			require.Len(t, c.seen, 1)
			assert.Equal(t, CommandApply, c.seen[0].Command)
			assert.Equal(t, []string{"approved"}, c.seen[0].Labels)
			rec := st.record("prod").Stacks["infrastructure"]
			if tt.applied {
				require.NotNil(t, rec.Last)
				assert.Equal(t, headCommit, rec.Last.Commit)
				return
			}
			assert.Nil(t, rec.Started, "nothing was started")
			assert.Nil(t, rec.Last, "nothing was recorded as applied")
			assert.Empty(t, st.writes, "the apply record was not written")
			_, inv := st.docs["prod"]
			assert.False(t, inv, "no inventory was published")
			assert.False(t, out.HasChanges(), "the planned changes were not applied")
			golden.Assert(t, "apply-checks-"+strings.ReplaceAll(tt.name, " ", "-"), renderApply(t, out))
		})
	}
}

func TestCheckErrorWords(t *testing.T) {
	var fs []check.Finding
	for _, m := range []string{"a", "b", "c", "d", "e"} {
		fs = append(fs, check.Finding{Status: check.Fail, Rule: "deny", Message: m})
	}
	fs = append(fs, check.Finding{Status: check.Warn, Rule: "warn", Message: "not named"})
	err := &CheckError{Result: check.Result{Checks: []check.Check{
		{Name: "p", Status: check.Fail, Findings: fs},
		{Name: "q", Status: check.Warn, Findings: []check.Finding{{Status: check.Warn, Message: "w"}}},
		{Name: "r", Status: check.Fail},
	}}}
	assert.EqualError(t, err, "denied by checks: 2 check(s) failed: p: a; p: b; p: c; and 2 more (the report lists them)")
	assert.True(t, err.Denied())
	assert.Equal(t, "checks", err.Step())
	assert.Nil(t, err.Unwrap())
	assert.EqualError(t, &CheckError{Result: check.Result{Checks: []check.Check{{Name: "r", Status: check.Fail}}}}, "denied by checks: 1 check(s) failed")
}

// opaqueTF and opaqueHelm are stages that cannot tell what they planned.
type opaqueTF struct{ TerraformStage }
type opaqueHelm struct{ HelmStage }

func TestStagesThatCannotBeReadFailTheirChecks(t *testing.T) {
	for _, tt := range []struct {
		name  string
		stack string
		tools func(w *world)
		want  string
	}{
		{"terraform", "infrastructure/prod:infra/prod/main.tf", func(w *world) {
			w.tools.newTerraform = func(TerraformSpec) (TerraformStage, error) { return opaqueTF{&fakeTF{plan: changes(1)}}, nil }
		}, "infrastructure/prod failed: the checks could not run: the Terraform stage infra/prod cannot tell its plan JSON"},
		{"helm", "monitoring/prod:charts/grafana/values.yaml", func(w *world) {
			w.tools.newHelm = func(HelmSpec) (HelmStage, error) { return opaqueHelm{&fakeHelm{}}, nil }
		}, "monitoring/prod failed: the checks could not run: the Helm release grafana cannot tell its rendered manifest"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			tt.tools(w)
			c := &recordingChecker{}
			o := runPlan(t, w, newFakeStore(), stacks(tt.stack), func(p *Plan) { p.Checks = c })
			assert.Equal(t, []string{tt.want}, outcomeLines(o))
			assert.Empty(t, c.seen, "nothing is checked unread")
		})
	}
}
