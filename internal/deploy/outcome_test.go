package deploy

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

func TestOutcome(t *testing.T) {
	o := &Outcome{Stacks: []*StackOutcome{
		{Stack: stacks("infrastructure/prod:")[0], Results: []plan.Result{{HasChanges: true, Secrets: []string{"pw"}}}},
		{Stack: stacks("project/prod:")[0], Err: &RecordError{Environment: "prod", Err: errors.New("denied")}},
		{Stack: stacks("monitoring/prod:")[0], Skip: &Skip{Reason: Interrupted, Command: CommandDrift}},
	}}
	assert.True(t, o.HasChanges())
	assert.Equal(t, []plan.Stack{key("project/prod")}, o.Failed())
	assert.Equal(t, []string{"pw"}, o.Secrets())
	require.EqualError(t, o.Err(), "1 of 3 stacks failed: project/prod (the report shows why)")
	var rec *RecordError
	require.ErrorAs(t, o.Stacks[1].Failure(), &rec)
	assert.ErrorContains(t, errors.Unwrap(rec), "denied")
	assert.Nil(t, (&Outcome{}).Err())
}

func TestSkipWords(t *testing.T) {
	infra := key("infrastructure/prod")
	tests := []struct {
		skip Skip
		want string
	}{
		{Skip{Reason: PrerequisiteFailed, Command: CommandPlan, Stack: infra}, "not planned: it needs infrastructure/prod, which failed"},
		{Skip{Reason: PrerequisiteFailed, Command: CommandApply, Stack: infra}, "not applied: it needs infrastructure/prod, which failed"},
		{Skip{Reason: PrerequisiteNotApplied, Command: CommandApply, Stack: infra}, "not applied: it needs infrastructure/prod, which was not applied"},
		{Skip{Reason: PlanChanged, Command: CommandApply, Reviewed: "sha256:a", Planned: "sha256:b", Changes: plan.Counts{Add: 1, Replace: 2, Change: 3, Destroy: 4}},
			"not applied: the plan changed since review (reviewed sha256:a, now sha256:b: +3 ~3 -6)"},
		{Skip{Reason: NotReviewed, Command: CommandApply}, "not applied: the reviewed report has no plan for this stack (--require-reviewed)"},
		{Skip{Reason: Interrupted, Command: CommandDrift}, "not checked: the run was interrupted"},
		{Skip{Reason: InventoryUnchanged, Command: CommandPlan, Stack: infra}, "not planned: the inventory does not change (infrastructure/prod plans no output change)"},
		{Skip{Reason: InventoryUnchanged, Command: CommandApply, Stack: infra}, "not applied: the inventory did not change (infrastructure/prod published no change)"},
		{Skip{Reason: Fork}, "not commenting: the change comes from a fork, whose token may not write comments; the report is in the job summary and log"},
		{Skip{Reason: PartialSelection}, "not commenting: --tier plans only part of each environment; the report is in the job summary and log (fan out by --environment to keep one comment per environment)"},
		{Skip{Reason: "later", Command: CommandPlan}, "not planned: later"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.skip.String())
	}
}

func TestErrorWords(t *testing.T) {
	cause := errors.New("cause")
	for err, want := range map[error]string{
		&InventoryError{Environment: "prod", Op: "read", Err: cause}:                       "read the inventory of prod: cause",
		&InventoryError{Environment: "prod", Op: "publish", Err: cause}:                    "publish the inventory: cause",
		&InventoryError{Environment: "prod", Op: "read the outputs", Err: cause}:           "read the outputs: cause",
		&RecordError{Environment: "prod", Err: cause}:                                      "write the apply record of prod: cause",
		&CommentError{Err: cause}:                                                          "the report was not posted on the pull or merge request (it is in the job summary and log): cause",
		&IssueError{Err: cause}:                                                            "the drift issues were not updated (the report is in the job summary and log): cause",
		&ReviewError{Msg: "read", Err: cause}:                                              "--require-reviewed: read: cause",
		&CheckError{Failed: []Check{{Name: "a", Message: "b"}, {Name: "c", Message: "d"}}}: "2 check(s) failed: a: b; c: d",
	} {
		assert.EqualError(t, err, want)
		if u, ok := err.(interface{ Unwrap() error }); ok {
			assert.Equal(t, cause, u.Unwrap())
		}
	}
}
