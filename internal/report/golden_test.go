package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	goldenfile "github.com/tierdeploy/tierdeploy/internal/golden"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// golden compares got with testdata/name.golden, or rewrites the file with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Assert(t, name, got)
}

// goldenCases are the inputs of the golden files, with their renderer.
func goldenCases(t *testing.T) map[string]struct {
	in     Input
	render func(Input) (Rendered, error)
} {
	base := func(stacks ...StackReport) Input {
		return Input{Environment: "prod", Commit: commit, Stacks: stacks,
			Budget: GitHubBudget, FullOutputHint: "the job summary"}
	}
	changes := base(
		StackReport{Stack: infra, Reasons: []string{"terraform/environments/prod/main.tf"},
			Results: []plan.Result{infraChanges(t)}},
		StackReport{Stack: project, Reasons: []string{"terraform/environments/prod/main.tf"},
			Results: []plan.Result{helmClean("meltano"), helmClean("airflow")}},
	)
	withInventory := changes
	withInventory.Inventory = &InventoryChange{Lines: []InventoryLine{
		{Key: "meltano_database.host", Kind: Changed, Before: `"meltano-db-old.internal"`, After: `"meltano-db.internal"`},
		{Key: "meltano_database.password", Kind: Changed, Before: `"` + secretOld + `"`, After: `"` + secretNew + `"`, Sensitive: true},
		{Key: "efs_id", Kind: Unknown},
		{Key: "ecr_repository_url", Kind: Added, After: `"123456789012.dkr.ecr.us-east-1.amazonaws.com/meltano"`},
		{Key: "legacy_bucket", Kind: Removed, Before: `"meltano-legacy-artifacts"`},
	}}

	failing := base(
		StackReport{Stack: infra, Reasons: []string{"terraform/environments/prod/main.tf"},
			Results: []plan.Result{infraFailed(t)}},
		StackReport{Stack: project, Skipped: "it needs infrastructure/prod, which failed"},
	)
	failing.Inventory = &InventoryChange{Skipped: "the infrastructure plan failed"}

	helm := base(StackReport{Stack: project, Reasons: []string{"charts/meltano/templates/deployment.yaml", "deploy/meltano/values.yaml"},
		Results: []plan.Result{helmRelease(t), helmClean("airflow")}})

	noChanges := base(
		StackReport{Stack: infra, Results: []plan.Result{infraClean(t)}},
		StackReport{Stack: project, Results: []plan.Result{helmClean("meltano"), helmClean("airflow")}},
	)
	noChanges.Inventory = &InventoryChange{}

	cut := base(StackReport{Stack: infra, Reasons: []string{"terraform/modules/buckets/main.tf"},
		Results: []plan.Result{bigPlan(t, 400)}})
	cut.Budget = 8000

	applied := changes
	applied.Kind = KindApply

	summary := changes
	summary.Budget = SummaryBudget

	// Stacks that ran different releases: each named, constraints escaped.
	tools := base(
		StackReport{Stack: infra, Reasons: []string{"terraform/environments/prod/versions.tf"},
			Results: []plan.Result{infraChanges(t)},
			Tool:    "OpenTofu 1.10.7 (>= 1.10, < 1.11 from terraform/environments/prod/versions.tf:3 (required_version))"},
		StackReport{Stack: project, Reasons: []string{"terraform/environments/prod/versions.tf"},
			Results: []plan.Result{helmClean("meltano")}, Tool: "Terraform 1.5.7 (from .tool-versions:1)"},
	)

	return map[string]struct {
		in     Input
		render func(Input) (Rendered, error)
	}{
		"no-changes":    {noChanges, Render},
		"changes":       {changes, Render},
		"failing":       {failing, Render},
		"helm":          {helm, Render},
		"inventory":     {withInventory, Render},
		"cut-to-budget": {cut, Render},
		"apply":         {applied, Render},
		"summary":       {summary, RenderSummary},
		"tools":         {tools, Render},
	}
}

func TestGolden(t *testing.T) {
	for name, tc := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			r, err := tc.render(tc.in)
			require.NoError(t, err)
			golden(t, name, r.Body)
			if msg := wellFormed(r.Body, tc.in, name != "summary"); msg != "" {
				t.Errorf("%s:\n%s", msg, r.Body)
			}
			if name == "cut-to-budget" {
				assert.NotEmpty(t, r.Cut)
				golden(t, name+".cut", strings.Join(r.Cut, "\n")+"\n")
			} else {
				assert.Empty(t, r.Cut)
			}
		})
	}
}

func TestGoldenDrift(t *testing.T) {
	refresh := infraChanges(t)
	refresh.Notes = []string{"refresh-only: 3 drifted"}
	in := Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, FullOutputHint: "the job summary",
		Stacks: []StackReport{
			{Stack: infra, Results: []plan.Result{refresh}},
			{Stack: project, Results: []plan.Result{helmClean("meltano"), helmClean("airflow")}},
			{Stack: plan.Stack{Tier: "monitoring", Environment: "prod"}, Results: []plan.Result{{
				Stack: plan.Stack{Tier: "monitoring", Environment: "prod"}, Kind: plan.Helm, Name: "grafana",
				Err: errors.New("helm diff grafana: Kubernetes cluster unreachable: the server has asked for the client to provide credentials"),
			}}},
		}}
	d, err := RenderDrift(in)
	require.NoError(t, err)
	golden(t, "drift-summary", d.Summary.Body)
	require.Len(t, d.Issues, 1)
	is := d.Issues[0]
	assert.Equal(t, infra, is.Stack)
	assert.Equal(t, "Drift in infrastructure/prod", is.Title)
	assert.Equal(t, "<!-- tierdeploy:drift environment=prod stack=infrastructure -->", is.Marker)
	assert.True(t, strings.HasPrefix(is.Body, is.Marker+"\n"))
	golden(t, "drift-issue", is.Body)
	assert.Equal(t, []plan.Stack{project}, d.InSync)
	for _, body := range []string{d.Summary.Body, is.Body} {
		if msg := wellFormed(body, in, false); msg != "" {
			t.Errorf("%s:\n%s", msg, body)
		}
	}
}
