package report

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// TestBidiOverridesCannotDisguiseAChange plans a change whose resource
// address, output value and plan text hold bidirectional overrides and
// isolates: rendered, "aws_s3_bucket.\u202egolb\u202c" reads as a bucket
// named "blog", and a destroy line can be made to read as something else
// ("Trojan Source"). The comment and the summary show what is stored, with
// the overriding characters replaced, never the reordered text.
func TestBidiOverridesCannotDisguiseAChange(t *testing.T) {
	in := checksInput(t)
	res := infraChanges(t)
	res.Resources = append(res.Resources, plan.ResourceChange{Address: "aws_s3_bucket.\u202egolb\u202c", Action: plan.Delete})
	res.Outputs = append(res.Outputs, plan.OutputChange{Name: "bucket\u2066x\u2069", Action: plan.Update,
		Before: json.RawMessage(`"a"`), After: json.RawMessage(`"\u2067b\u2069"`)})
	res.Diff = "  # aws_s3_bucket.\u202egolb\u202c will be destroyed\n  - resource \"aws_s3_bucket\" \"\u2066golb\u2069\" {}\n" + res.Diff
	in.Stacks[0].Results = []plan.Result{res}
	in.Stacks[0].Checks.Checks = nil
	r, err := Render(in)
	require.NoError(t, err)
	sum, err := RenderSummary(in)
	require.NoError(t, err)
	for name, body := range map[string]string{"comment": r.Body, "summary": sum.Body} {
		for _, bad := range []string{"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"} {
			assert.NotContains(t, body, bad, "%s holds U+%04X", name, []rune(bad)[0])
		}
		assert.Contains(t, body, "aws_s3_bucket.\uFFFDgolb\uFFFD", "%s: the stored order is shown", name)
	}
}
