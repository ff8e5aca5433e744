package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// uncheckedInput is a plan of two releases against a predicted inventory:
// meltano changes, with values planned with stand-ins; airflow does not,
// with one. A reason holds a secret and markdown, as a chart's schema
// message might.
func uncheckedInput(t *testing.T, extra int) Input {
	meltano := helmRelease(t)
	meltano.Unchecked = []plan.Unchecked{
		{Name: "database.host", Reason: `known only after apply (inventory key meltano_database.host); planned with the stand-in "known-after-apply", which satisfies the chart's schema; apply checks the real value`},
		{Name: "database.port", Reason: "known only after apply (inventory key meltano_database.port); planned with the stand-in 1, which satisfies the chart's schema; apply checks the real value"},
		{Name: "logs.efs.volumeHandle", Reason: "known only after apply (inventory key storage.volume_handle); planned as (known after apply); no stand-in satisfies the chart's schema there (does not match pattern '^fs-' near " + secretNew + " ``` </details>), so this plan renders without schema validation; apply checks the real value"},
	}
	for i := range extra {
		meltano.Unchecked = append(meltano.Unchecked, plan.Unchecked{Name: fmt.Sprintf("extra.value%04d", i),
			Reason: "known only after apply (inventory key extra); planned as (known after apply), which the chart's schema accepts; apply checks the real value"})
	}
	airflow := helmClean("airflow")
	airflow.Unchecked = []plan.Unchecked{{Name: "images.airflow.repository",
		Reason: "known only after apply (inventory key registry.airflow); planned as (known after apply), which the chart's schema accepts; apply checks the real value"}}
	return Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, FullOutputHint: "the job summary",
		Stacks: []StackReport{{Stack: project, Reasons: []string{"inventory may change"}, Results: []plan.Result{meltano, airflow}}}}
}

// TestGoldenUnchecked shows the values a plan did not check against the
// chart's schema, and why, in the release's section; a release without
// changes says how many on its line. Secrets in the reasons are masked and
// their markdown cannot break the section.
func TestGoldenUnchecked(t *testing.T) {
	in := uncheckedInput(t, 0)
	r, err := Render(in)
	require.NoError(t, err)
	golden(t, "helm-unchecked", r.Body)
	if msg := wellFormed(r.Body, in, true); msg != "" {
		t.Errorf("%s:\n%s", msg, r.Body)
	}
	assert.NotContains(t, r.Body, secretNew)
	assert.Contains(t, r.Body, "**Not checked against the chart's schema**")
	assert.Contains(t, r.Body, "- ✅ helm `airflow`: no changes, 1 value not checked against the chart's schema")
	assert.Empty(t, r.Cut)
}

// TestUncheckedWithinTheBudget: a long list of unchecked values is cut
// to fit the budget, and the cut is said.
func TestUncheckedWithinTheBudget(t *testing.T) {
	in := uncheckedInput(t, 3000)
	in.Budget = 20000
	r, err := Render(in)
	require.NoError(t, err)
	assert.LessOrEqual(t, Length(r.Body), in.Budget)
	if msg := wellFormed(r.Body, in, true); msg != "" {
		t.Errorf("%s:\n%s", msg, r.Body)
	}
	require.NotEmpty(t, r.Cut)
	assert.Contains(t, strings.Join(r.Cut, "\n"), "unchecked values of project/prod helm meltano: ")
	assert.Contains(t, r.Body, "database.host: known only after apply")
	assert.NotContains(t, r.Body, "extra.value2999")
}
