package check

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestResultStatus(t *testing.T) {
	tests := map[string]struct {
		checks []Check
		want   Status
		denied bool
	}{
		"none":       {nil, Pass, false},
		"pass":       {[]Check{{Status: Pass}}, Pass, false},
		"warn":       {[]Check{{Status: Pass}, {Status: Warn}}, Warn, false},
		"fail first": {[]Check{{Status: Fail}, {Status: Warn}}, Fail, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := Result{Checks: tc.checks}
			assert.Equal(t, tc.want, r.Status())
			assert.Equal(t, tc.denied, r.Denied())
		})
	}
}

func TestMergeAndCount(t *testing.T) {
	r := Merge(Result{Checks: []Check{{Name: "a", Status: Fail}}}, Result{}, Result{Checks: []Check{{Name: "b"}, {Name: "c", Status: Fail}}})
	assert.Len(t, r.Checks, 3)
	assert.Equal(t, 2, r.Count(Fail))
	assert.Equal(t, 1, r.Count(Pass))
	assert.Equal(t, "a", r.Checks[0].Name)
}

func TestSortFindings(t *testing.T) {
	fs := []Finding{
		{Status: Warn, Rule: "warn", Message: "a"},
		{Status: Fail, Rule: "deny_x", Message: "z"},
		{Status: Warn, Rule: "warn", Message: "and 2 more"},
		{Status: Fail, Rule: "deny", Message: "b"},
	}
	SortFindings(fs)
	assert.Equal(t, []Finding{
		{Status: Fail, Rule: "deny", Message: "b"},
		{Status: Fail, Rule: "deny_x", Message: "z"},
		{Status: Warn, Rule: "warn", Message: "a"},
		{Status: Warn, Rule: "warn", Message: "and 2 more"},
	}, fs)
	assert.Equal(t, "fail", Fail.String())
	assert.Equal(t, "warn", Warn.String())
	assert.Equal(t, "pass", Pass.String())
}
