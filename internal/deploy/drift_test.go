package deploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/golden"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

func runDrift(t *testing.T, w *world, st *fakeStore) *Outcome {
	t.Helper()
	d := &Drift{Deps: testDeps(t, w), Inventory: st, Stacks: stacks("infrastructure/prod:", "project/prod:", "monitoring/prod:"),
		Parallelism: 3, WorkDir: t.TempDir()}
	out, err := d.Run(t.Context())
	require.NoError(t, err)
	return out
}

func renderDrift(t *testing.T, o *Outcome, issues bool) (Publication, string) {
	t.Helper()
	pub, err := DriftPublication(o, View{Environments: []string{"staging", "prod"}, Commit: headCommit, CI: true,
		Budget: 65536, Hint: "https://ci.example/run/3", ExitCode: 2}, issues)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("=== summary\n" + pub.Summary)
	if pub.Issues != nil {
		for _, is := range pub.Issues.Open {
			b.WriteString("=== issue " + is.Title + "\n" + is.Body)
		}
		for _, m := range pub.Issues.Resolved {
			b.WriteString("=== resolved " + m + "\n")
		}
	}
	return pub, b.String()
}

func TestDrift(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	// The stored inventory was edited by hand: it differs from the outputs.
	st.docs["prod"] = mustBuild(t, "prod", oldCommit)
	st.docs["prod"].Values["db_host"] = []byte(`"edited.by.hand"`)
	w.terraform("infrastructure/prod", &fakeTF{
		plan: func(_ context.Context, refreshOnly bool) (plan.Result, error) {
			if refreshOnly {
				return plan.Result{HasChanges: true, Counts: plan.Counts{}, Notes: []string{"refresh-only: 1 drifted"},
					Resources: []plan.ResourceChange{{Address: "aws_db_instance.main", Action: plan.Update}}, Fingerprint: "sha256:drift"}, nil
			}
			return plan.Result{HasChanges: true, Counts: plan.Counts{Change: 1}, Fingerprint: "sha256:full"}, nil
		},
		outputs: outputs(1),
	})
	// The project's code was never applied: no drift, but changes.
	w.terraform("project/prod", &fakeTF{plan: changes(2)})
	w.release("project/prod", "app", &fakeHelm{drift: func(context.Context) (plan.Result, error) {
		return plan.Result{}, nil
	}})
	out := runDrift(t, w, st)
	assert.Equal(t, []string{"infrastructure/prod changes", "monitoring/prod clean", "project/prod changes"}, outcomeLines(out))

	infra := out.Stacks[0].Results
	require.Len(t, infra, 2, "drift, and the inventory; the full plan only shows drift")
	assert.Equal(t, "inventory", infra[1].Name)
	assert.True(t, infra[1].HasChanges)
	assert.Contains(t, infra[1].Secrets, "s3cr3t-new-pass", "the inventory's secrets are masked")
	project := out.Stacks[1].Results
	require.Len(t, project, 4)
	assert.Equal(t, "project/terraform (not applied yet)", project[1].Name)

	pub, body := renderDrift(t, out, true)
	require.NotNil(t, pub.Issues)
	assert.Len(t, pub.Issues.Open, 2)
	assert.Equal(t, []string{scm.DriftMarker("prod", "monitoring")}, pub.Issues.Resolved)
	assert.NotContains(t, body, "s3cr3t-new-pass")
	assert.Equal(t, []Output{{"drift", "true"}, {"report-path", ""}, {"exit-code", "2"}}, pub.Outputs)
	golden.Assert(t, "drift", body)

	pub, _ = renderDrift(t, out, false)
	assert.Nil(t, pub.Issues, "--no-issues")
}

func TestDriftFailures(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	st.get = func(context.Context, string) (*inventory.Document, inventory.Version, error) {
		return nil, inventory.Version{}, errors.New("ThrottlingException: Rate exceeded")
	}
	w.terraform("infrastructure/prod", &fakeTF{plan: func(_ context.Context, refreshOnly bool) (plan.Result, error) {
		if refreshOnly {
			return plan.Result{}, nil
		}
		return plan.Result{Err: errors.New("terraform plan: exit status 1")}, nil
	}})
	w.release("monitoring/prod", "grafana", &fakeHelm{drift: func(context.Context) (plan.Result, error) {
		return plan.Result{}, errors.New("the cluster is not reachable")
	}})
	out := runDrift(t, w, st)
	assert.Equal(t, []string{
		"infrastructure/prod failed: terraform plan: exit status 1",
		"monitoring/prod failed: the cluster is not reachable",
		"project/prod failed: read the inventory of prod: ThrottlingException: Rate exceeded",
	}, outcomeLines(out))
	_, body := renderDrift(t, out, true)
	golden.Assert(t, "drift-failures", body)
}

func TestDriftInventoryInSync(t *testing.T) {
	w := newWorld(t)
	st := newFakeStore()
	st.docs["prod"] = mustBuild(t, "prod", oldCommit)
	w.terraform("infrastructure/prod", &fakeTF{plan: clean, outputs: outputs(1)})
	out := runDrift(t, w, st)
	assert.Equal(t, []string{"infrastructure/prod clean", "monitoring/prod clean", "project/prod clean"}, outcomeLines(out))
	pub, _ := renderDrift(t, out, true)
	assert.Len(t, pub.Issues.Resolved, 3)
	assert.Empty(t, pub.Issues.Open)
}

func TestDriftInventoryUnreadable(t *testing.T) {
	for name, tf := range map[string]*fakeTF{
		"outputs": {plan: clean, outputs: func(context.Context) (map[string]inventory.Output, error) { return nil, errors.New("no state") }},
		"build":   {plan: clean},
	} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			w.terraform("infrastructure/prod", tf)
			out := runDrift(t, w, newFakeStore())
			require.True(t, out.Stacks[0].Failed())
			assert.Equal(t, "inventory", out.Stacks[0].Results[1].Name)
		})
	}
}

func TestDriftRequiresAWorkDirectory(t *testing.T) {
	_, err := (&Drift{}).Run(t.Context())
	require.Error(t, err)
}

func TestCurrentInventory(t *testing.T) {
	w := newWorld(t)
	w.terraform("infrastructure/prod", &fakeTF{outputs: outputs(3)})
	doc, err := CurrentInventory(t.Context(), testDeps(t, w), "prod", t.TempDir(), "")
	require.NoError(t, err)
	assert.JSONEq(t, `"db.xxx"`, string(doc.Values["db_host"]))

	w.terraform("infrastructure/prod", &fakeTF{outputs: func(context.Context) (map[string]inventory.Output, error) { return nil, errors.New("no state") }})
	_, err = CurrentInventory(t.Context(), testDeps(t, w), "prod", t.TempDir(), "")
	require.EqualError(t, err, "read the outputs of infrastructure/prod: no state")

	d := testDeps(t, w)
	d.Config.Tiers[0].PublishesInventory = false
	_, err = CurrentInventory(t.Context(), d, "prod", t.TempDir(), "")
	require.ErrorIs(t, err, ErrNoPublisher)
}
