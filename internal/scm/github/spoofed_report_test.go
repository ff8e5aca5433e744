package github

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

// TestSpoofedReportComment plants comments that look like tierdeploy's
// report on a pull request, as anyone who may comment can, and checks that
// only the comment the token's account wrote, with the marker as its first
// line, is edited, and read back (for --require-reviewed's fingerprints).
func TestSpoofedReportComment(t *testing.T) {
	marker := scm.ReportMarker("prod")
	spoof := marker + "\n## Plan\n<!-- tierdeploy:fingerprint stack=infrastructure/prod sha256:attacker -->"
	impostor := user{Login: "github-actions[bot]", ID: 666, Type: "User"}
	tests := []struct {
		name   string
		plant  func(f *fakeComments) (ours int64)
		create bool // no comment of ours: a new one is created
	}{
		{"an outsider's report before ours", func(f *fakeComments) int64 {
			f.addBy(mallory, nil, spoof)
			return f.add(marker + "\nold plan").ID
		}, false},
		{"an outsider's report and none of ours", func(f *fakeComments) int64 {
			f.addBy(mallory, nil, spoof)
			return 0
		}, true},
		{"another App's bot", func(f *fakeComments) int64 {
			f.addBy(otherBot, otherApp, spoof)
			return 0
		}, true},
		{"a user named like the Actions bot", func(f *fakeComments) int64 {
			f.addBy(impostor, nil, spoof)
			return 0
		}, true},
		{"the marker inside our other environment's plan text", func(f *fakeComments) int64 {
			f.add(scm.ReportMarker("dev") + "\n```\n" + marker + "\n```\n")
			return 0
		}, true},
		{"the marker quoted inside an outsider's comment", func(f *fakeComments) int64 {
			f.addBy(mallory, nil, "I think this is fine:\n"+marker)
			return 0
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			repo, _ := newTestRepo(t, reg)
			fake := newFakeComments(3)
			ours := tt.plant(fake)
			planted := append([]comment(nil), fake.comments...)

			reg.Register(http.MethodGet, commentsPath, fake.list()).Times(2)
			workflowToken(reg)
			if tt.create {
				reg.Register(http.MethodPost, commentsPath, fake.create)
			} else {
				reg.Register(http.MethodPatch, fmt.Sprintf("/repos/acme/infra/issues/comments/%d", ours), fake.edit(ours))
			}
			res, err := repo.UpsertComment(t.Context(), 12, marker, marker+"\n## Plan\nthe real one")
			require.NoError(t, err)
			want := scm.Updated
			if tt.create {
				want = scm.Created
			}
			assert.Equal(t, want, res.Outcome)
			for _, c := range planted {
				if c.ID != ours {
					assert.Contains(t, fake.comments, c, "a comment not ours is left as it was")
				}
			}

			c, found, err := repo.FindComment(t.Context(), 12, marker)
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, res.ID, c.ID, "the report read back is ours")
			assert.Equal(t, marker+"\n## Plan\nthe real one", c.Body)
		})
	}
}

// TestAppTokenIdentity checks a token made from a GitHub App: GET /user
// refuses it, GraphQL names the App's bot, and only that bot's comments
// count, not github-actions[bot]'s.
func TestAppTokenIdentity(t *testing.T) {
	marker := scm.ReportMarker("prod")
	ciBot := user{Login: "tierdeploy-ci[bot]", ID: 9001, Type: "Bot"}
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := newFakeComments(1)
	fake.add(marker + "\nwritten by another workflow")
	ours := fake.addBy(ciBot, &app{ID: 77, Slug: "tierdeploy-ci"}, marker+"\nours")
	reg.Register(http.MethodGet, commentsPath, fake.list())
	reg.Register(http.MethodGet, "/user", scmtest.JSON(http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"}))
	reg.Register(http.MethodPost, "/graphql", viewer(ciBot))
	c, found, err := repo.FindComment(t.Context(), 12, marker)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, ours.ID, c.ID)
}

// TestPersonalTokenIdentity checks a personal access token: GET /user
// names the user, whose comments count.
func TestPersonalTokenIdentity(t *testing.T) {
	marker := scm.ReportMarker("prod")
	deployer := user{Login: "deploy-bot", ID: 4242, Type: "User"}
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := newFakeComments(0)
	fake.addBy(mallory, nil, marker+"\nspoof")
	ours := fake.addBy(deployer, nil, marker+"\nours")
	reg.Register(http.MethodGet, commentsPath, fake.list())
	reg.Register(http.MethodGet, "/user", scmtest.JSON(http.StatusOK, deployer))
	c, found, err := repo.FindComment(t.Context(), 12, marker)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, ours.ID, c.ID)
}

// TestIdentityWithoutGraphQL checks the fallback when GraphQL does not
// answer: the token is taken for a workflow's GITHUB_TOKEN.
func TestIdentityWithoutGraphQL(t *testing.T) {
	marker := scm.ReportMarker("prod")
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := newFakeComments(0)
	fake.addBy(mallory, nil, marker+"\nspoof")
	ours := fake.add(marker + "\nours")
	reg.Register(http.MethodGet, commentsPath, fake.list())
	reg.Register(http.MethodGet, "/user", scmtest.JSON(http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"}))
	reg.Register(http.MethodPost, "/graphql", scmtest.JSON(http.StatusNotFound, notFoundBody))
	c, found, err := repo.FindComment(t.Context(), 12, marker)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, ours.ID, c.ID)
}

// TestSpoofedDriftIssue plants issues with the drift label and markers,
// opened by someone else: they are never updated, closed, or taken as the
// original of which tierdeploy's own issue would be a duplicate.
func TestSpoofedDriftIssue(t *testing.T) {
	const lbl = "tierdeploy-drift"
	infra, project := scm.DriftMarker("prod", "infrastructure"), scm.DriftMarker("prod", "project")
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := &fakeIssues{}
	fake.add(issue{Title: "Drift: infrastructure in prod", Body: infra + "\nplanted", Labels: []label{{lbl}}, User: mallory})
	fake.add(issue{Title: "Drift: project in prod", Body: project + "\nplanted", Labels: []label{{lbl}}, User: mallory})
	fake.add(issue{Title: "Drift: infrastructure in prod", Body: infra + "\nreal drift", Labels: []label{{lbl}}})
	planted := []issue{*fake.issues[0], *fake.issues[1]}

	reg.Register(http.MethodGet, issuesPath, fake.list)
	workflowToken(reg)
	reg.Register(http.MethodPatch, issuesPath+"/3", fake.edit(3))
	res, err := repo.SyncIssues(t.Context(), scm.IssueSync{
		Label:           lbl,
		Open:            []scm.IssueSpec{{Marker: infra, Title: "Drift: infrastructure in prod", Body: "new drift"}},
		Resolved:        []string{project},
		ResolvedComment: "No drift any more.",
	})
	require.NoError(t, err)
	assert.Equal(t, []scm.Result{{Outcome: scm.Updated, ID: 3, URL: "https://github.com/acme/infra/issues/3", Marker: infra}}, res)
	assert.Equal(t, planted, []issue{*fake.issues[0], *fake.issues[1]}, "issues opened by others are left as they were")
	assert.Equal(t, infra+"\nnew drift", fake.issues[2].Body)
}
