package report

import (
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

func TestMaskingEverywhere(t *testing.T) {
	const (
		fromInput = "input-secret-4f2a"
		fromStage = "stage-secret-9c1e"
		multiLine = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----"
	)
	all := []string{fromInput, fromStage, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"}
	r := plan.Result{
		Stack: infra, Kind: plan.Terraform, Name: "dir-" + fromInput, HasChanges: true,
		Counts:    plan.Counts{Add: 1},
		Resources: []plan.ResourceChange{{Address: `x.y["` + fromStage + `"]`, Action: plan.Create, Reason: "because " + fromInput}},
		Outputs: []plan.OutputChange{
			{Name: "plain", Action: plan.Create, After: raw(`{"url":"postgres://u:` + fromStage + `@h"}`)},
			{Name: "marked", Action: plan.Update, Before: raw(`"` + fromInput + `"`), After: raw(`"x"`), Sensitive: true},
		},
		Diff:    "  + a = \"" + fromInput + "\"\n  + b = <<-EOT\n        " + strings.ReplaceAll(multiLine, "\n", "\n        ") + "\n    EOT\n",
		Notes:   []string{"note " + fromStage},
		Secrets: []string{fromStage, multiLine},
	}
	failing := plan.Result{Stack: project, Kind: plan.Helm, Name: "meltano",
		Diff: "-  password: " + base64.StdEncoding.EncodeToString([]byte(fromStage)) + "\n",
		Err:  errors.New("helm upgrade: " + fromInput + " rejected\r\n" + fromStage)}
	in := Input{Environment: "prod", Budget: GitHubBudget, Secrets: []string{fromInput},
		Stacks: []StackReport{
			{Stack: infra, Reasons: []string{"path/" + fromStage}, Results: []plan.Result{r}},
			{Stack: project, Results: []plan.Result{failing}},
		},
		Inventory: &InventoryChange{Lines: []InventoryLine{
			{Key: "k", Kind: Changed, Before: `"` + fromInput + `"`, After: `"` + fromStage + `"`},
		}},
	}
	for name, render := range map[string]func(Input) (Rendered, error){"comment": Render, "summary": RenderSummary} {
		t.Run(name, func(t *testing.T) {
			out, err := render(in)
			require.NoError(t, err)
			for _, s := range all {
				assert.NotContains(t, out.Body, s)
			}
			assert.NotContains(t, out.Body, base64.StdEncoding.EncodeToString([]byte(fromStage)))
			assert.Contains(t, out.Body, "***")
		})
	}
}

func TestShortSecretsCounted(t *testing.T) {
	r, err := Render(Input{Environment: "prod", Secrets: []string{"abc", "", "long-enough"}})
	require.NoError(t, err)
	assert.Equal(t, 1, r.Unmasked)
}

func TestDeterministic(t *testing.T) {
	in := Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, Stacks: []StackReport{
		{Stack: infra, Results: []plan.Result{infraChanges(t)}},
		{Stack: project, Results: []plan.Result{helmRelease(t)}},
	}}
	a, err := Render(in)
	require.NoError(t, err)
	// Durations differ between runs; the comment does not show them.
	in.Stacks[0].Results[0].Duration = 3 * time.Hour
	in.Stacks[1].Results[0].Resources = append([]plan.ResourceChange{{Address: "Secret/meltano/z", Action: plan.Create}},
		in.Stacks[1].Results[0].Resources...)
	in.Stacks[1].Results[0].Resources = in.Stacks[1].Results[0].Resources[:len(in.Stacks[1].Results[0].Resources)-1]
	b, err := Render(in)
	require.NoError(t, err)
	assert.NotContains(t, a.Body, "41.3s")
	assert.NotEqual(t, a.Body, b.Body, "a different change renders differently")

	c, err := Render(in)
	require.NoError(t, err)
	assert.Equal(t, b.Body, c.Body)
}

func TestStates(t *testing.T) {
	skippedStage := helmClean("airflow")
	skippedStage.Skipped = "the chart did not change"
	outputsOnly := plan.Result{Stack: infra, Kind: plan.Terraform, Name: "dir", HasChanges: true,
		Outputs: []plan.OutputChange{{Name: "endpoint", Action: plan.Create, After: raw(`"db.internal"`)}}}
	tests := []struct {
		name   string
		in     Input
		render func(Input) (Rendered, error)
		want   []string
	}{
		{
			name: "outputs only",
			in:   Input{Environment: "prod", Stacks: []StackReport{{Stack: infra, Results: []plan.Result{outputsOnly}}}},
			want: []string{"### 📝 Plan for `prod`: output changes only", "+ endpoint = \"db.internal\"", "<details open>"},
		},
		{
			name: "a stage that skipped itself",
			in:   Input{Environment: "prod", Stacks: []StackReport{{Stack: project, Results: []plan.Result{helmClean("meltano"), skippedStage}}}},
			want: []string{"### ✅ Plan for `prod`: no changes", "- ✅ helm `meltano`: no changes\n- ⏭️ helm `airflow`: skipped: the chart did not change\n"},
		},
		{
			name: "every stack skipped",
			in:   Input{Environment: "prod", Stacks: []StackReport{{Stack: project, Skipped: "nothing affects it"}}},
			want: []string{"### ⏭️ Plan for `prod`: every stack skipped", "| `project/prod` | ⏭️ skipped | nothing affects it |"},
		},
		{
			// Apply planned the stack afresh, found the plan changed since
			// review and applied nothing: the title counts nothing.
			name: "a stack skipped after planning",
			in: Input{Kind: KindApply, Environment: "prod", Stacks: []StackReport{
				{Stack: infra, Results: []plan.Result{infraChanges(t)}, Skipped: "not applied: the plan changed since review"},
				{Stack: project, Skipped: "not applied: it needs infrastructure/prod, which was not applied"}}},
			render: RenderSummary,
			want:   []string{"### ⏭️ Apply to `prod`: every stack skipped\n"},
		},
		{
			name: "a stack skipped after planning beside one applied",
			in: Input{Kind: KindApply, Environment: "prod", Stacks: []StackReport{
				{Stack: infra, Results: []plan.Result{infraChanges(t)}, Skipped: "not applied: the plan changed since review"},
				{Stack: project, Results: []plan.Result{helmRelease(t)}}}},
			render: RenderSummary,
			want:   []string{"### ✅ Apply to `prod`: 1 added, 2 changed, 0 destroyed\n"},
		},
		{
			name: "no stacks, no environment",
			in:   Input{},
			want: []string{"<!-- tierdeploy:report environment=_ -->\n### ✅ Plan: no changes\n"},
		},
		{
			name:   "durations in the summary",
			in:     Input{Environment: "prod", Stacks: []StackReport{{Stack: infra, Results: []plan.Result{infraChanges(t)}}}},
			render: RenderSummary,
			want:   []string{"| `infrastructure/prod` | 📝 changes | `+2 ~1 -1`, 4 to replace, 1 to move | 41.3s |", "(41.3s)</summary>"},
		},
		{
			name: "escaped outside text",
			in:   Input{Environment: "prod", Stacks: []StackReport{{Stack: project, Skipped: "needs <details> | @team *now*"}}},
			want: []string{`needs \<details\> \| \@team \*now\*`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			render := tt.render
			if render == nil {
				render = Render
			}
			r, err := render(tt.in)
			require.NoError(t, err)
			for _, w := range tt.want {
				assert.Contains(t, r.Body, w)
			}
		})
	}
}

func TestUnknownKind(t *testing.T) {
	_, err := Render(Input{Kind: "destroy"})
	assert.EqualError(t, err, `render report: unknown kind "destroy"`)
}

func TestConcurrentRenders(t *testing.T) {
	in := Input{Environment: "prod", Budget: 6000, Stacks: []StackReport{
		{Stack: infra, Results: []plan.Result{infraChanges(t)}},
		{Stack: project, Results: []plan.Result{helmRelease(t)}},
	}}
	want, err := Render(in)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := Render(in)
			assert.NoError(t, err)
			assert.Equal(t, want.Body, got.Body)
		})
	}
	wg.Wait()
}
