package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/golden"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const commit = "0123456789abcdef0123456789abcdef01234567"

// publishedInventory is the inventory of prod before the plan.
func publishedInventory(env string) *inventory.Document {
	return &inventory.Document{Schema: inventory.SchemaV1, Environment: env, Tier: "infrastructure", Commit: "c0",
		Values:    map[string]json.RawMessage{"db_host": json.RawMessage(`"db.old"`), "db_password": json.RawMessage(`"s3cr3t-old-pass"`)},
		Sensitive: []string{"db_password"}}
}

func runPlan(t *testing.T, w *world, reader InventoryReader, selected []tier.Stack, mutate ...func(*Plan)) *Outcome {
	t.Helper()
	p := &Plan{Deps: testDeps(t, w), Inventory: reader, Stacks: selected, Parallelism: 2, WorkDir: t.TempDir(), PluginCacheDir: "/cache"}
	for _, m := range mutate {
		m(p)
	}
	out, err := p.Run(t.Context())
	require.NoError(t, err)
	return out
}

// renderPlan renders a plan's publication for a pull request in CI, as the
// golden files hold it.
func renderPlan(t *testing.T, o *Outcome, c PlanComments) (Publication, string) {
	t.Helper()
	pub, err := PlanPublication(o, View{Environments: []string{"staging", "prod"}, Commit: commit, CI: true,
		Budget: 65536, Hint: "https://ci.example/run/1", ExitCode: 0, ReportPath: ".tierdeploy/report.md"}, c)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("=== report\n" + pub.Report)
	for _, c := range pub.Comments {
		b.WriteString("=== comment #" + itoa(c.Number) + " " + c.Environment)
		if c.OnlyUpdate {
			b.WriteString(" (update only)")
		}
		b.WriteString("\n" + c.Body)
	}
	if pub.NoComment != nil {
		b.WriteString("=== no comment\n" + pub.NoComment.String() + "\n")
	}
	return pub, b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestPlanSkipsAndFailures(t *testing.T) {
	outputChange := plan.OutputChange{Name: "db_host", Action: plan.Update, Before: json.RawMessage(`"db.old"`), After: json.RawMessage(`"db.new"`)}
	tests := []struct {
		name     string
		stacks   []tier.Stack
		script   func(w *world, st *fakeStore)
		cancel   bool
		want     []string
		comments PlanComments
	}{
		{
			name:   "changes predicted inventory",
			stacks: stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"),
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(2, outputChange)})
				w.terraform("project/prod", &fakeTF{plan: changes(1)})
			},
			want:     []string{"infrastructure/prod changes", "project/prod changes"},
			comments: PlanComments{Number: 7},
		},
		{
			name:   "prerequisite failed",
			stacks: stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory", "monitoring/prod:charts/grafana/values.yaml"),
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: failing("terraform plan infra/prod: exit status 1: Error: Unsupported argument")})
			},
			want:     []string{"infrastructure/prod failed: terraform plan infra/prod: exit status 1: Error: Unsupported argument", "monitoring/prod clean", "project/prod skipped: prerequisite-failed"},
			comments: PlanComments{Number: 7},
		},
		{
			name:   "inventory unchanged",
			stacks: stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory", "infrastructure/staging:infra/staging/main.tf", "project/staging:inventory,charts/app/values.yaml"),
			script: func(w *world, st *fakeStore) {
				w.terraform("infrastructure/prod", &fakeTF{plan: changes(1)})
				w.terraform("infrastructure/staging", &fakeTF{plan: changes(1)})
			},
			want:     []string{"infrastructure/prod changes", "infrastructure/staging changes", "project/prod skipped: inventory-unchanged", "project/staging clean"},
			comments: PlanComments{Number: 7},
		},
		{
			name:   "inventory read fails",
			stacks: stacks("project/prod:project/terraform/main.tf"),
			script: func(w *world, st *fakeStore) {
				st.get = func(context.Context, string) (*inventory.Document, inventory.Version, error) {
					return nil, inventory.Version{}, errors.New("AccessDeniedException: not authorized to perform ssm:GetParameter")
				}
			},
			want:     []string{"project/prod failed: read the inventory of prod: AccessDeniedException: not authorized to perform ssm:GetParameter"},
			comments: PlanComments{Number: 7},
		},
		{
			name:     "interrupted",
			stacks:   stacks("infrastructure/prod:infra/prod/main.tf", "monitoring/prod:all"),
			cancel:   true,
			want:     []string{"infrastructure/prod skipped: interrupted", "monitoring/prod skipped: interrupted"},
			comments: PlanComments{Number: 7},
		},
		{
			name:   "helm release fails and stops the next",
			stacks: stacks("project/staging:charts/app/templates/deployment.yaml"),
			script: func(w *world, st *fakeStore) {
				w.release("project/staging", "app", &fakeHelm{plan: func(context.Context) (plan.Result, error) {
					return plan.Result{}, errors.New("render chart app: template: app/templates/deployment.yaml:3: unexpected EOF")
				}})
				w.release("project/staging", "worker", &fakeHelm{plan: func(context.Context) (plan.Result, error) {
					panic("the worker is not planned after app failed")
				}})
			},
			want:     []string{"project/staging failed: render chart app: template: app/templates/deployment.yaml:3: unexpected EOF"},
			comments: PlanComments{Number: 7},
		},
		{
			name:   "fork gets no comment",
			stacks: stacks("monitoring/staging:charts/grafana/values.yaml"),
			script: func(w *world, st *fakeStore) {
				w.release("monitoring/staging", "grafana", &fakeHelm{plan: func(context.Context) (plan.Result, error) {
					return plan.Result{HasChanges: true, Counts: plan.Counts{Change: 1}, Diff: "--- a\n+++ b\n"}, nil
				}})
			},
			want:     []string{"monitoring/staging changes"},
			comments: PlanComments{Number: 7, Fork: true},
		},
		{
			name:     "no stack of an environment",
			stacks:   stacks("monitoring/staging:charts/grafana/values.yaml"),
			want:     []string{"monitoring/staging clean"},
			comments: PlanComments{Number: 7, Environments: []string{"staging", "prod"}},
		},
		{
			name:     "partial selection",
			stacks:   stacks("monitoring/prod:charts/grafana/values.yaml"),
			want:     []string{"monitoring/prod clean"},
			comments: PlanComments{Number: 7, Partial: true},
		},
		{
			name:   "terraform stage cannot be built",
			stacks: stacks("infrastructure/staging:infra/staging/main.tf"),
			script: func(w *world, st *fakeStore) {
				w.tools.newTerraform = func(TerraformSpec) (TerraformStage, error) {
					return nil, errors.New("terraform stage: stat /repo/infra/staging: no such file or directory")
				}
			},
			want:     []string{"infrastructure/staging failed: terraform stage: stat /repo/infra/staging: no such file or directory"},
			comments: PlanComments{Number: 7},
		},
		{
			name:   "no terraform binary",
			stacks: stacks("infrastructure/staging:infra/staging/main.tf", "project/staging:inventory"),
			script: func(w *world, st *fakeStore) {
				w.tools.find = func(context.Context, BinaryRequest) (Binary, error) {
					return Binary{}, errors.New("neither tofu nor terraform is on PATH")
				}
			},
			want:     []string{"infrastructure/staging failed: neither tofu nor terraform is on PATH", "project/staging skipped: prerequisite-failed"},
			comments: PlanComments{Number: 7},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			st := newFakeStore()
			st.docs["prod"] = publishedInventory("prod")
			if tt.script != nil {
				tt.script(w, st)
			}
			ctx := t.Context()
			if tt.cancel {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			p := &Plan{Deps: testDeps(t, w), Inventory: st, Stacks: tt.stacks, Parallelism: 2, WorkDir: t.TempDir()}
			out, err := p.Run(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.want, outcomeLines(out))
			_, body := renderPlan(t, out, tt.comments)
			golden.Assert(t, "plan-"+strings.ReplaceAll(tt.name, " ", "-"), body)
		})
	}
}

func TestPlanPredictsTheInventoryOfDependents(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	st.docs["prod"] = publishedInventory("prod")
	w.terraform("infrastructure/prod", &fakeTF{plan: changes(1,
		plan.OutputChange{Name: "db_host", Action: plan.Update, Before: json.RawMessage(`"db.old"`), After: json.RawMessage(`"db.new"`)},
		plan.OutputChange{Name: "cluster", Action: plan.Create, AfterUnknown: true},
	)})
	out := runPlan(t, w, st, stacks("infrastructure/prod:infra/prod/main.tf", "project/prod:inventory"))
	require.Equal(t, []string{"infrastructure/prod changes", "project/prod clean"}, outcomeLines(out))

	// The publisher's prediction is on its outcome.
	pred := out.Stacks[0].Predicted
	require.NotNil(t, pred)
	assert.Equal(t, []string{"cluster", "db_host"}, pred.Keys())

	// The dependent's Terraform gets the predicted values as a variables
	// file outside the repository, readable by the owner only.
	spec := w.spec("project/prod")
	require.Len(t, spec.VarFiles, 1)
	assert.NotContains(t, spec.VarFiles[0], "/repo/")
	info, err := os.Stat(spec.VarFiles[0])
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	b, err := os.ReadFile(spec.VarFiles[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"inventory":{"db_host":"db.new","db_password":"s3cr3t-old-pass"}}`, string(b))

	// Its releases read the same predicted document, and learn which keys
	// are known only after apply.
	h := w.helmSpec("project/prod", "app")
	require.NotNil(t, h.Inventory)
	assert.Equal(t, "predicted", h.Inventory.Commit)
	assert.Equal(t, []string{"db_password"}, h.Inventory.Sensitive)
	assert.Equal(t, []string{"cluster"}, h.KnownAfterApply)
	assert.Equal(t, "prod-cluster", h.KubeContext)
	assert.Equal(t, []string{"values/prod.yaml"}, h.Release.Values, "the placeholder is expanded")
}

func TestPlanBuildsTerraformStagesFromTheConfiguration(t *testing.T) {
	w := newWorld(t)
	var reqs []string
	var mu sync.Mutex
	w.tools.find = func(_ context.Context, req BinaryRequest) (Binary, error) {
		mu.Lock()
		defer mu.Unlock()
		reqs = append(reqs, req.Dir+" "+req.Version)
		return Binary{Path: "/opt/tofu"}, nil
	}
	work := t.TempDir()
	d := testDeps(t, w)
	d.Config.Tiers[1].Terraform.Version = "~> 1.10.0"
	p := &Plan{Deps: d, Stacks: stacks("infrastructure/staging:all", "infrastructure/prod:all", "project/staging:all", "project/prod:all"),
		Parallelism: 1, WorkDir: work, PluginCacheDir: "/cache"}
	_, err := p.Run(t.Context())
	require.NoError(t, err)
	spec := w.spec("infrastructure/prod")
	assert.Equal(t, TerraformSpec{
		Stack: key("infrastructure/prod"), Binary: "/opt/tofu", Dir: "/repo/infra/prod", Name: "infra/prod",
		VarFiles: []string{"/repo/infra/prod.tfvars"}, Workspace: "prod", BackendConfig: []string{"key=prod.tfstate"},
		LockTimeout: 60e9, WorkDir: work + "/terraform", PluginCacheDir: "/cache", Log: spec.Log,
	}, spec)
	slices.Sort(reqs)
	assert.Equal(t, []string{"infra/prod ", "infra/staging ", "project/terraform ~> 1.10.0"}, reqs,
		"the binary is resolved per stack, once for stacks asking for the same")
}

func TestPlanWithoutInventoryPlansDependentsAgainstAnEmptyOne(t *testing.T) {
	w := newWorld(t)
	out := runPlan(t, w, nil, stacks("project/staging:project/terraform/main.tf"))
	require.Equal(t, []string{"project/staging clean"}, outcomeLines(out))
	b, err := os.ReadFile(w.spec("project/staging").VarFiles[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"inventory":{}}`, string(b))
}

func TestPlanShowsEveryStackOnTheConsole(t *testing.T) {
	w := newWorld(t)
	w.terraform("infrastructure/prod", &fakeTF{plan: failing("boom")})
	c := &fakeConsole{}
	runPlan(t, w, nil, stacks("infrastructure/prod:a", "project/prod:inventory"), func(p *Plan) { p.Console = c })
	assert.Equal(t, []string{
		"begin [infrastructure/prod project/prod]",
		"started infrastructure/prod",
		"finished infrastructure/prod failed",
		"finished project/prod skipped prerequisite-failed",
	}, c.events)
}

func TestPlanHelmNotInThisBuild(t *testing.T) {
	w := newWorld(t)
	w.tools.newHelm = nil
	out := runPlan(t, w, nil, stacks("monitoring/prod:a"))
	require.Len(t, out.Stacks[0].Results, 1)
	assert.Equal(t, ErrNoHelm.Error(), out.Stacks[0].Results[0].Skipped)
	assert.False(t, out.Stacks[0].Failed())
}

func TestPlanRequiresAWorkDirectory(t *testing.T) {
	_, err := (&Plan{}).Run(t.Context())
	require.Error(t, err)
}

func TestAnInvalidInventoryStopsTheRunBeforeAnyStage(t *testing.T) {
	bad := &inventory.InvalidError{Field: "created", Problem: `"yesterday" is not an RFC 3339 time`}
	w := newWorld(t)
	built := 0
	w.tools.newTerraform = func(TerraformSpec) (TerraformStage, error) {
		built++
		return &fakeTF{}, nil
	}
	st := newFakeStore()
	st.get = func(context.Context, string) (*inventory.Document, inventory.Version, error) {
		return nil, inventory.Version{}, bad
	}
	selected := stacks("infrastructure/prod:a", "project/prod:inventory", "monitoring/staging:b")
	_, err := (&Plan{Deps: testDeps(t, w), Inventory: st, Stacks: selected, WorkDir: t.TempDir()}).Run(t.Context())
	require.ErrorIs(t, err, inventory.ErrInvalid)
	assert.ErrorContains(t, err, "nothing was planned or applied; store a valid document with tierdeploy inventory put --environment prod")
	_, err = (&Drift{Deps: testDeps(t, w), Inventory: st, Stacks: selected, WorkDir: t.TempDir()}).Run(t.Context())
	require.ErrorIs(t, err, inventory.ErrInvalid)
	a := newApply(t, w, st, selected)
	_, err = a.Run(t.Context())
	require.ErrorIs(t, err, inventory.ErrInvalid)
	assert.Zero(t, built, "no stage was built")

	// Other read errors are the stacks' own.
	st.get = func(context.Context, string) (*inventory.Document, inventory.Version, error) {
		return nil, inventory.Version{}, errors.New("ThrottlingException")
	}
	out, err := (&Plan{Deps: testDeps(t, w), Inventory: st, Stacks: selected, WorkDir: t.TempDir()}).Run(t.Context())
	require.NoError(t, err)
	assert.True(t, out.Stacks[0].Failed())
}
