package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// footer returns the visible footer line of a body.
func footer(t *testing.T, body string) string {
	t.Helper()
	i := strings.LastIndex(body, "<sub>")
	require.NotEqual(t, -1, i, body)
	line, _, _ := strings.Cut(body[i:], "\n")
	return line
}

func TestToolsFooter(t *testing.T) {
	const tofu = "OpenTofu 1.10.7 (~> 1.10.0 from infra/versions.tf:3 (required_version))"
	tests := map[string]struct {
		tools []string
		want  string // substring of the footer; "" means no Terraform part
	}{
		"one release for all": {[]string{tofu, tofu},
			" · Terraform: <code>OpenTofu 1.10.7 (~&gt; 1.10.0 from infra/versions.tf:3 (required_version))</code> · Fingerprints"},
		"one stack without Terraform": {[]string{tofu, ""},
			" · Terraform: <code>OpenTofu 1.10.7 (~&gt; 1.10.0 from infra/versions.tf:3 (required_version))</code> · Fingerprints"},
		"two releases": {[]string{tofu, "Terraform 1.5.7 (from .terraform-version:1)"},
			" · Terraform: <code>infrastructure/prod</code> <code>OpenTofu 1.10.7 (~&gt; 1.10.0 from infra/versions.tf:3 (required_version))</code>, " +
				"<code>project/prod</code> <code>Terraform 1.5.7 (from .terraform-version:1)</code> · Fingerprints"},
		"none": {[]string{"", ""}, ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			in := Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, Stacks: []StackReport{
				{Stack: infra, Results: []plan.Result{infraChanges(t)}, Tool: tt.tools[0]},
				{Stack: project, Results: []plan.Result{helmClean("meltano")}, Tool: tt.tools[1]},
			}}
			r, err := Render(in)
			require.NoError(t, err)
			assertWellFormed(t, r.Body, in)
			f := footer(t, r.Body)
			if tt.want == "" {
				assert.NotContains(t, f, "Terraform")
				return
			}
			assert.Contains(t, f, tt.want)
			again, err := Render(in)
			require.NoError(t, err)
			assert.Equal(t, r.Body, again.Body, "the same input renders the same bytes")
		})
	}
}

// TestToolsFooterHostile: the description comes from repository files (file
// names, constraints): it is escaped, kept on one line, masked and bounded.
func TestToolsFooterHostile(t *testing.T) {
	const secret = "tool-secret-7d1f"
	hostile := "OpenTofu 1.10.7 (< 2.0 from </code><img src=x onerror=alert(1)>--><!-- x.tf:1\n::set-output name=x::y @admin " +
		secret + strings.Repeat(" a.tf:1 (required_version),", 100) + ")"
	in := Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, Secrets: []string{secret}, Stacks: []StackReport{
		{Stack: infra, Results: []plan.Result{infraChanges(t)}, Tool: hostile},
	}}
	r, err := Render(in)
	require.NoError(t, err)
	assertWellFormed(t, r.Body, in)
	f := footer(t, r.Body)
	assert.Contains(t, f, "Terraform: <code>OpenTofu 1.10.7 (&lt; 2.0 from &lt;/code&gt;&lt;img src=x onerror=alert(1)&gt;--&gt;&lt;!-- x.tf:1 ::set-output")
	assert.NotContains(t, r.Body, "<img")
	assert.NotContains(t, r.Body, "@admin", "no mention")
	assert.NotContains(t, r.Body, secret)
	assert.NotContains(t, r.Body, "\n::set-output")
	assert.Less(t, Length(f), maxTool+400, "the description is cut: %d characters", Length(f))
	assert.Contains(t, f, "…</code>")
}

// TestToolsFooterCutBeforeFingerprints: under a tight budget the Terraform
// releases leave the footer before any fingerprint does, and the cut note
// says so.
func TestToolsFooterCutBeforeFingerprints(t *testing.T) {
	var stacks []StackReport
	for i := range 40 {
		s := plan.Stack{Tier: "t" + strings.Repeat("x", i), Environment: "prod"}
		stacks = append(stacks, StackReport{Stack: s, Results: []plan.Result{helmClean("r")},
			Tool: "OpenTofu 1.10." + strings.Repeat("7", i%5+1) + " (~> 1.10.0 from " + strings.Repeat("d/", 20) + "versions.tf:3 (required_version))"})
	}
	in := Input{Environment: "prod", Commit: commit, Stacks: stacks}
	full, err := Render(in)
	require.NoError(t, err)
	in.Budget = Length(full.Body) - 500
	r, err := Render(in)
	require.NoError(t, err)
	assertWellFormed(t, r.Body, in)
	assert.Equal(t, 40, strings.Count(r.Body, "<!-- tierdeploy:fingerprint"), "every fingerprint is kept")
	assert.Contains(t, strings.Join(r.Cut, "\n"), "Terraform versions:")
	assert.Contains(t, r.Body, "Terraform versions left out")
	assert.Contains(t, footer(t, r.Body), "more stacks not shown")
}
