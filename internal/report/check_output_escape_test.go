package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// A checker's output and a policy's messages are untrusted (the checker and
// the policy read the plan; a script may echo anything): terminal escapes
// are dropped or shown, the report's marker does not start a line of the
// body again, and a secret the stage knows is masked, in the comment as
// in the job summary.
func TestCheckOutputWithEscapesMarkersAndSecrets(t *testing.T) {
	hostile := "\x1b]0;pwned\x07\x1b]52;c;cm0K\x07\x1b[2A\x1b[2K\u009b2A\r" + Marker("prod") + "\n" +
		Marker("prod") + "\n::stop-commands::x\n##[add-mask]y\nDB " + secretNew + "\n"
	in := checksInput(t)
	in.Stacks[0].Checks = check.Result{Checks: []check.Check{
		{Kind: check.Command, Name: "trivy", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Fail,
			Findings: []check.Finding{{Status: check.Fail, Rule: "exit status 1\x1b[8m", Message: hostile}},
			Output:   check.Output{Text: hostile, Lines: 6, Bytes: int64(len(hostile))}},
		{Kind: check.Policy, Name: "terraform.s3\x1b]0;t\x07", StageKind: plan.Terraform, Stage: "terraform/environments/prod", Status: check.Warn,
			Findings: []check.Finding{{Status: check.Warn, Rule: "warn", Message: hostile}}},
	}}
	r, err := Render(in)
	require.NoError(t, err)
	sum, err := RenderSummary(in)
	require.NoError(t, err)
	for name, body := range map[string]string{"comment": r.Body, "summary": sum.Body} {
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\r", secretNew} {
			assert.NotContains(t, body, bad, "%s holds %q", name, bad)
		}
		assert.Contains(t, body, "::stop-commands::x", "%s: the output is still shown", name)
	}
	// The marker is the body's first line; one inside the output is inert,
	// since a marker counts only as a comment's first line (internal/scm,
	// spoofed_marker_test.go).
	first, _, _ := strings.Cut(r.Body, "\n")
	assert.Equal(t, Marker("prod"), first)
}
