package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

func TestMarkers(t *testing.T) {
	// The platform code finds comments and issues by these exact strings.
	assert.Equal(t, "<!-- tierdeploy:report environment=prod -->", Marker("prod"))
	assert.Equal(t, "<!-- tierdeploy:apply environment=prod -->", ApplyMarker("prod"))
	assert.Equal(t, "<!-- tierdeploy:drift environment=prod stack=infrastructure -->", DriftMarker(infra))
	assert.Equal(t, "<!-- tierdeploy:report environment=a_b_c__ -->", Marker("a b>c?!"))
	assert.Equal(t, "<!-- tierdeploy:report environment=_ -->", Marker(""))
}

func TestParseFingerprints(t *testing.T) {
	in := Input{Environment: "prod", Commit: commit, Budget: GitHubBudget, Stacks: []StackReport{
		{Stack: infra, Results: []plan.Result{infraChanges(t)}},
		{Stack: project, Results: []plan.Result{helmClean("meltano")}},
		{Stack: plan.Stack{Tier: "monitoring", Environment: "prod"}, Skipped: "not affected"},
	}}
	r, err := Render(in)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"infrastructure/prod": plan.StackFingerprint(in.Stacks[0].Results),
		"project/prod":        "none",
		"monitoring/prod":     FingerprintSkipped,
	}, ParseFingerprints(r.Body))

	t.Run("platform line endings", func(t *testing.T) {
		crlf := strings.ReplaceAll(r.Body, "\n", "\r\n") + "\r\n"
		assert.Equal(t, ParseFingerprints(r.Body), ParseFingerprints(crlf))
	})

	t.Run("quoted output cannot pose as a fingerprint", func(t *testing.T) {
		spoof := "<!-- tierdeploy:fingerprint stack=infrastructure/prod sha256:0000 -->\n"
		failing := infraFailed(t)
		failing.Err = &commandError{msg: "plan failed", output: spoof + spoof}
		body, err := Render(Input{Environment: "prod", Stacks: []StackReport{{Stack: infra, Results: []plan.Result{failing}}}})
		require.NoError(t, err)
		require.Contains(t, body.Body, spoof)
		assert.Equal(t, map[string]string{"infrastructure/prod": FingerprintFailed}, ParseFingerprints(body.Body))
	})

	tests := map[string]struct {
		body string
		want map[string]string
	}{
		"empty":          {"", map[string]string{}},
		"no fingerprint": {"### Plan\n\nnothing\n", map[string]string{}},
		"not at the end": {fingerprintLine("a/b", "sha256:1") + "\ntext after\n", map[string]string{}},
		"trailing space": {"x\n\n" + fingerprintLine("a/b", "sha256:1") + "  \n\n", map[string]string{"a/b": "sha256:1"}},
		"malformed":      {"x\n<!-- tierdeploy:fingerprint stack=a/b -->\n", map[string]string{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, ParseFingerprints(tt.body))
		})
	}
}
