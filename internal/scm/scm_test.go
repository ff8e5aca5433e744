package scm

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMarkers(t *testing.T) {
	assert.Equal(t, "<!-- tierdeploy:report environment=prod -->", ReportMarker("prod"))
	assert.Equal(t, "<!-- tierdeploy:apply environment=prod -->", ApplyMarker("prod"))
	assert.Equal(t, "<!-- tierdeploy:drift environment=prod stack=infrastructure -->", DriftMarker("prod", "infrastructure"))
	assert.Equal(t, "<!-- tierdeploy:report environment=a_b_c__ -->", ReportMarker("a b>c?!"), "unsafe characters are replaced")
	assert.Equal(t, "<!-- tierdeploy:report environment=_ -->", ReportMarker(""))

	body := ReportMarker("prod-eu") + "\nhello"
	assert.False(t, HasMarker(body, ReportMarker("prod")), "prod must not match prod-eu")
	assert.True(t, HasMarker(body, ReportMarker("prod-eu")))
	assert.Equal(t, body, WithMarker(ReportMarker("prod-eu"), body))
	assert.Equal(t, ReportMarker("prod")+"\n"+body, WithMarker(ReportMarker("prod"), body))
	assert.True(t, strings.HasPrefix(DriftMarker("e", "s"), DriftMarkerPrefix))
}

func TestFind(t *testing.T) {
	m := ReportMarker("prod")
	me := GitHubActions
	ours := Author{ID: me.ID, Login: me.Login, Type: "Bot"}
	cs := []Comment{{ID: 1, Body: "LGTM"}, {ID: 2, Body: ReportMarker("dev") + "\nx", Author: ours},
		{ID: 3, Body: m + "\nplan", Author: ours}, {ID: 4, Body: m + "\nold duplicate", Author: ours}}
	c, ok := Find(cs, me, m)
	require.True(t, ok)
	assert.Equal(t, int64(3), c.ID)
	_, ok = Find(cs, me, ReportMarker("stage"))
	assert.False(t, ok)
}

func TestSameBody(t *testing.T) {
	assert.True(t, SameBody("a\r\nb\n", "a\nb"))
	assert.True(t, SameBody("a  \n\n", "a"))
	assert.False(t, SameBody("a\nb", "a\nc"))
	assert.False(t, SameBody(" a", "a"), "leading space is content")
}

func TestCheckSize(t *testing.T) {
	require.NoError(t, CheckSize("github", "the report comment", strings.Repeat("é", GitHubBodyLimit), GitHubBodyLimit),
		"the limit counts characters, not bytes")
	err := CheckSize("github", "the report comment", strings.Repeat("x", GitHubBodyLimit+1), GitHubBodyLimit)
	var tl *TooLargeError
	require.ErrorAs(t, err, &tl)
	assert.Equal(t, GitHubBodyLimit+1, tl.Size)
	assert.Equal(t, "github: the report comment has 65537 characters, over the limit of 65536: it was not sent", err.Error())
}

func TestPlanIssues(t *testing.T) {
	infra, project, dev := DriftMarker("prod", "infrastructure"), DriftMarker("prod", "project"), DriftMarker("dev", "project")
	open := []Issue{
		{Number: 9, Title: "Drift: project in prod", Body: project + "\nold plan"},
		{Number: 4, Title: "Drift: infrastructure in prod", Body: infra + "\nsame plan"},
		{Number: 12, Title: "Drift: infrastructure in prod", Body: infra + "\nduplicate"},
		{Number: 7, Title: "Drift: project in dev", Body: dev + "\nplan"},
		{Number: 2, Title: "unrelated issue with the label", Body: "no marker"},
	}
	s := IssueSync{
		Label: "tierdeploy-drift",
		Open: []IssueSpec{
			{Marker: infra, Title: "Drift: infrastructure in prod", Body: infra + "\nsame plan\n"},
			{Marker: DriftMarker("stage", "infrastructure"), Title: "Drift: infrastructure in stage", Body: "new"},
		},
		Resolved:        []string{project, DriftMarker("stage", "project")},
		ResolvedComment: "No drift any more.",
	}
	steps := PlanIssues(open, s)
	type brief struct {
		Action  Action
		Number  int64
		Comment string
	}
	var got []brief
	for _, st := range steps {
		got = append(got, brief{st.Action, st.Issue.Number, st.Comment})
	}
	assert.Equal(t, []brief{
		{ActionKeep, 4, ""},
		{ActionCreate, 0, ""},
		{ActionClose, 9, "No drift any more."},
		{ActionClose, 12, "Closed as a duplicate of #4."},
	}, got, "dev/project was not checked, so its issue stays open")
	assert.Equal(t, DriftMarker("stage", "infrastructure")+"\nnew", steps[1].Spec.Body, "the marker is added to the body")

	// A changed title or body is an update of the oldest issue.
	s.Open[0].Body = infra + "\nnew plan"
	steps = PlanIssues(open, s)
	assert.Equal(t, ActionUpdate, steps[0].Action)
	assert.Equal(t, int64(4), steps[0].Issue.Number)
}

func TestServerWait(t *testing.T) {
	now := time.Unix(1700000000, 0)
	tests := []struct {
		name string
		h    map[string]string
		want time.Duration
		ok   bool
	}{
		{"retry-after seconds", map[string]string{"Retry-After": "30"}, 30 * time.Second, true},
		{"retry-after date", map[string]string{"Retry-After": now.Add(90 * time.Second).UTC().Format(http.TimeFormat)}, 90 * time.Second, true},
		{"github primary reset", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700000060"}, 61 * time.Second, true},
		{"github reset with requests left is no wait", map[string]string{"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1700000060"}, 0, false},
		{"gitlab reset", map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": "1700000010"}, 11 * time.Second, true},
		{"reset in the past", map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1600000000"}, 0, true},
		{"nothing", nil, 0, false},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.h {
				h.Set(k, v)
			}
			d, ok := ServerWait(h, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, d)
		})
	}
}

func TestBackoff(t *testing.T) {
	r := Retry{Max: 3, Base: 100 * time.Millisecond, MaxWait: time.Second, SecondaryWait: 400 * time.Millisecond}
	for attempt, lo := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		d := r.Backoff(attempt)
		assert.GreaterOrEqual(t, d, lo*time.Millisecond, "attempt %d", attempt)
		assert.LessOrEqual(t, d, time.Second, "attempt %d", attempt)
	}
	assert.GreaterOrEqual(t, r.SecondaryBackoff(0), 400*time.Millisecond)
	assert.Equal(t, time.Duration(0), Retry{}.Backoff(3))
	assert.Equal(t, 4, DefaultRetry().Max)
}

func TestOutcomeWrote(t *testing.T) {
	assert.True(t, Created.Wrote())
	assert.True(t, Updated.Wrote())
	assert.True(t, Closed.Wrote())
	assert.False(t, Unchanged.Wrote())
}

func TestErrorMessages(t *testing.T) {
	reset := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		err  error
		want string
	}{
		{&PermissionError{Platform: "github", Op: "create the report comment on #12", Status: 403, Message: "Resource not accessible by integration",
			Need: "pull-requests: write", Hint: "add it to the workflow's permissions: block"},
			"github: create the report comment on #12: 403 Resource not accessible by integration: the token needs pull-requests: write (add it to the workflow's permissions: block)"},
		{&NotFoundError{Platform: "gitlab", Op: "list notes of !3"}, "gitlab: list notes of !3: not found"},
		{&RateLimitError{Platform: "github", Op: "list comments", Secondary: true, RetryAfter: 90 * time.Second},
			"github: list comments: secondary rate limit exceeded; retry after 1m30s"},
		{&RateLimitError{Platform: "github", Op: "list comments", Reset: reset},
			"github: list comments: rate limit exceeded; the limit resets at 2026-01-02T03:04:05Z"},
		{&ServerError{Platform: "gitlab", Op: "update note", Status: 502}, "gitlab: update note: server error 502 after retries"},
		{&ValidationError{Platform: "github", Op: "create issue", Status: 422, Message: "Validation Failed"}, "github: create issue: rejected (422): Validation Failed"},
		{&TokenError{Platform: "gitlab", Reason: "set GITLAB_TOKEN"}, "gitlab: no usable API token: set GITLAB_TOKEN"},
		{&IncompleteError{Platform: "github", What: "the file list of #5", Got: 3000, Limit: 3000},
			"github: the file list of #5 is incomplete: the API returns at most 3000 entries and gave 3000"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}
