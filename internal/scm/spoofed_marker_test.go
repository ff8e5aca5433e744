package scm

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMarkerOnlyAsFirstLine checks that a marker counts only as the first
// line of a body: quoted in plan text, in a Helm diff or in another
// environment's report it is not tierdeploy's.
func TestMarkerOnlyAsFirstLine(t *testing.T) {
	m := ReportMarker("prod")
	tests := map[string]struct {
		body string
		want bool
	}{
		"first line":                        {m + "\n## Plan", true},
		"first line with CRLF":              {m + "\r\n## Plan", true},
		"the whole body":                    {m, true},
		"inside plan text":                  {"## Plan\n```\n" + m + "\n```", false},
		"in another environment's report":   {ReportMarker("dev") + "\n" + m, false},
		"on the first line after some text": {"see " + m + "\nx", false},
		"a longer environment name":         {ReportMarker("prod-eu") + "\nx", false},
		"empty":                             {"", false},
	}
	for name, tt := range tests {
		assert.Equal(t, tt.want, HasMarker(tt.body, m), name)
	}
	assert.Equal(t, m+"\n## Plan\n"+m, WithMarker(m, "## Plan\n"+m), "a quoted marker does not stand for the first line")
}

// TestIdentityWrote checks who counts as tierdeploy's account.
func TestIdentityWrote(t *testing.T) {
	actions := Author{ID: 41898282, Login: "github-actions[bot]", Type: "Bot", App: "github-actions"}
	tests := []struct {
		name string
		id   Identity
		a    Author
		want bool
	}{
		{"the Actions bot", GitHubActions, actions, true},
		{"the Actions bot, App not named", GitHubActions, Author{ID: 41898282, Login: "github-actions[bot]", Type: "Bot"}, true},
		{"a user named like the Actions bot", GitHubActions, Author{ID: 666, Login: "github-actions[bot]", Type: "User"}, false},
		{"another App's bot", GitHubActions, Author{ID: 29139614, Login: "renovate[bot]", Type: "Bot", App: "renovate"}, false},
		{"the right login through another App", GitHubActions, Author{ID: 41898282, Login: "github-actions[bot]", Type: "Bot", App: "evil"}, false},
		{"a person", GitHubActions, Author{ID: 1, Login: "mallory", Type: "User"}, false},
		{"an App's own bot", Identity{ID: 9, Login: "tierdeploy-ci[bot]", Bot: true}, Author{ID: 9, Login: "tierdeploy-ci[bot]", Type: "Bot", App: "tierdeploy-ci"}, true},
		{"the Actions bot for an App token", Identity{ID: 9, Login: "tierdeploy-ci[bot]", Bot: true}, actions, false},
		{"a personal token's user", Identity{ID: 7, Login: "Deploy-Bot"}, Author{ID: 7, Login: "deploy-bot", Type: "User"}, true},
		{"a renamed-into login with another ID", Identity{ID: 7, Login: "deploy-bot"}, Author{ID: 8, Login: "deploy-bot"}, false},
		{"GitLab's project bot", Identity{ID: 9001, Login: "project_1_bot_5f1c"}, Author{ID: 9001, Login: "project_1_bot_5f1c"}, true},
		{"GitLab: anyone else", Identity{ID: 9001, Login: "project_1_bot_5f1c"}, Author{ID: 42, Login: "jdoe"}, false},
		{"no identity", Identity{}, Author{}, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.id.Wrote(tt.a), tt.name)
	}
}

// TestPlanIssuesIgnoresQuotedMarkers checks that an issue whose body only
// quotes a drift marker is neither kept, updated nor closed as a duplicate.
func TestPlanIssuesIgnoresQuotedMarkers(t *testing.T) {
	infra := DriftMarker("prod", "infrastructure")
	open := []Issue{
		{Number: 1, Title: "A question", Body: "Why does this say\n" + infra + "\n?"},
		{Number: 2, Title: "Drift: infrastructure in prod", Body: infra + "\nplan"},
	}
	steps := PlanIssues(open, IssueSync{Label: "tierdeploy-drift", Open: []IssueSpec{{Marker: infra, Title: "Drift: infrastructure in prod", Body: "plan"}}})
	assert.Equal(t, []IssueStep{{Action: ActionKeep, Spec: IssueSpec{Marker: infra, Title: "Drift: infrastructure in prod", Body: infra + "\nplan"}, Issue: open[1], Marker: infra}}, steps)
}
