package gitlab

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

// TestSpoofedReportNote plants notes that look like tierdeploy's report on
// a merge request, as anyone who may comment can, and checks that only the
// note the token's account (its bot user, GET /user) wrote, with the marker
// as its first line, is edited and read back (for --require-reviewed's
// fingerprints).
func TestSpoofedReportNote(t *testing.T) {
	marker := scm.ReportMarker("prod")
	spoof := marker + "\n## Plan\n<!-- tierdeploy:fingerprint stack=infrastructure/prod sha256:attacker -->"
	impostor := account{ID: 667, Username: "project_278964_bot_5f1c_", Name: "tierdeploy"}
	tests := []struct {
		name   string
		plant  func(f *fakeNotes) (ours int64)
		create bool
	}{
		{"an outsider's report before ours", func(f *fakeNotes) int64 {
			f.addBy(mallory, spoof)
			return f.add(marker + "\nold plan").ID
		}, false},
		{"an outsider's report and none of ours", func(f *fakeNotes) int64 {
			f.addBy(mallory, spoof)
			return 0
		}, true},
		{"a look-alike user name", func(f *fakeNotes) int64 {
			f.addBy(impostor, spoof)
			return 0
		}, true},
		{"the marker inside our other environment's plan text", func(f *fakeNotes) int64 {
			f.add(scm.ReportMarker("dev") + "\n```\n" + marker + "\n```\n")
			return 0
		}, true},
		{"the marker quoted inside an outsider's note", func(f *fakeNotes) int64 {
			f.addBy(mallory, "Looks fine to me:\n"+marker)
			return 0
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			p := newTestProject(t, reg)
			fake := newFakeNotes(3)
			ours := tt.plant(fake)
			planted := append([]note(nil), fake.notes...)

			reg.Register(http.MethodGet, notesPath, fake.list).Times(2)
			currentUser(reg)
			if tt.create {
				reg.Register(http.MethodPost, notesPath, fake.create)
			} else {
				reg.Register(http.MethodPut, fmt.Sprintf("%s/%d", notesPath, ours), fake.update(ours))
			}
			res, err := p.UpsertComment(t.Context(), 17, marker, marker+"\n## Plan\nthe real one")
			require.NoError(t, err)
			want := scm.Updated
			if tt.create {
				want = scm.Created
			}
			assert.Equal(t, want, res.Outcome)
			for _, n := range planted {
				if n.ID != ours {
					assert.Contains(t, fake.notes, n, "a note not ours is left as it was")
				}
			}

			c, found, err := p.FindComment(t.Context(), 17, marker)
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, res.ID, c.ID, "the report read back is ours")
			assert.Equal(t, marker+"\n## Plan\nthe real one", c.Body)
		})
	}
}

// TestSpoofedDriftIssue plants issues with the drift label and markers,
// opened by someone else: they are never updated, closed, or taken as the
// original of which tierdeploy's own issue would be a duplicate.
func TestSpoofedDriftIssue(t *testing.T) {
	const lbl = "tierdeploy-drift"
	infra, project := scm.DriftMarker("prod", "infrastructure"), scm.DriftMarker("prod", "project")
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	fake := &fakeIssues{}
	fake.add(issue{Title: "Drift: infrastructure in prod", Description: infra + "\nplanted", Labels: []string{lbl}, Author: mallory})
	fake.add(issue{Title: "Drift: project in prod", Description: project + "\nplanted", Labels: []string{lbl}, Author: mallory})
	fake.add(issue{Title: "Drift: infrastructure in prod", Description: infra + "\nreal drift", Labels: []string{lbl}})
	planted := []issue{*fake.issues[0], *fake.issues[1]}

	reg.Register(http.MethodGet, issuesPath, fake.list)
	currentUser(reg)
	reg.Register(http.MethodPut, issuesPath+"/3", fake.update(3))
	res, err := p.SyncIssues(t.Context(), scm.IssueSync{
		Label:           lbl,
		Open:            []scm.IssueSpec{{Marker: infra, Title: "Drift: infrastructure in prod", Body: "new drift"}},
		Resolved:        []string{project},
		ResolvedComment: "No drift any more.",
	})
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Updated}, outcomes(res))
	assert.Equal(t, int64(3), res[0].ID)
	assert.Equal(t, planted, []issue{*fake.issues[0], *fake.issues[1]}, "issues opened by others are left as they were")
	assert.Equal(t, infra+"\nnew drift", fake.issues[2].Description)
}
