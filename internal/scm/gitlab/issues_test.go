package gitlab

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

const issuesPath = "/api/v4/projects/278964/issues"

// issue is an issue as GitLab's REST API returns it.
type issue struct {
	ID          int64    `json:"id"`
	IID         int64    `json:"iid"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	State       string   `json:"state"`
	Labels      []string `json:"labels"`
	WebURL      string   `json:"web_url"`
	Author      account  `json:"author"`
	Notes       []string `json:"-"`
}

// fakeIssues serves a project's issues as GitLab does: the list filtered by
// state and labels, create (labels as a comma-separated string), update
// (state_event close), and issue notes.
type fakeIssues struct {
	mu     sync.Mutex
	issues []*issue
}

// add adds an issue; one without an author is by the token's bot user.
func (f *fakeIssues) add(is issue) *issue {
	if is.Author == (account{}) {
		is.Author = tokenBot
	}
	is.IID = int64(len(f.issues) + 1)
	is.ID = 90000 + is.IID
	is.WebURL = fmt.Sprintf("https://gitlab.example.com/acme/infra/-/issues/%d", is.IID)
	if is.State == "" {
		is.State = "opened"
	}
	f.issues = append(f.issues, &is)
	return &is
}

func (f *fakeIssues) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	var sel []issue
	for _, is := range f.issues {
		if s := q.Get("state"); s != "" && s != is.State {
			continue
		}
		if l := q.Get("labels"); l != "" && !slices.Contains(is.Labels, l) {
			continue
		}
		sel = append(sel, *is)
	}
	f.mu.Unlock()
	scmtest.GitLabPages(&sel)(w, r)
}

func (f *fakeIssues) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Labels      string `json:"labels"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		scmtest.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	f.mu.Lock()
	is := f.add(issue{Title: in.Title, Description: in.Description, Labels: strings.Split(in.Labels, ",")})
	f.mu.Unlock()
	scmtest.WriteJSON(w, http.StatusCreated, is)
}

func (f *fakeIssues) update(iid int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		f.mu.Lock()
		defer f.mu.Unlock()
		is := f.issues[iid-1]
		if v, ok := in["title"]; ok {
			is.Title = v
		}
		if v, ok := in["description"]; ok {
			is.Description = v
		}
		if in["state_event"] == "close" {
			is.State = "closed"
		}
		scmtest.WriteJSON(w, http.StatusOK, is)
	}
}

func (f *fakeIssues) note(iid int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		f.mu.Lock()
		f.issues[iid-1].Notes = append(f.issues[iid-1].Notes, in.Body)
		f.mu.Unlock()
		scmtest.WriteJSON(w, http.StatusCreated, note{ID: 1, Body: in.Body})
	}
}

func TestSyncIssuesRuns(t *testing.T) {
	const lbl = "tierdeploy-drift"
	infra, project := scm.DriftMarker("prod", "infrastructure"), scm.DriftMarker("prod", "project")
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	fake := &fakeIssues{}
	fake.add(issue{Title: "Someone else's issue", Labels: []string{"bug"}})

	drift := func(infraBody string) scm.IssueSync {
		return scm.IssueSync{Label: lbl, Open: []scm.IssueSpec{
			{Marker: infra, Title: "Drift: infrastructure in prod", Body: infraBody},
			{Marker: project, Title: "Drift: project in prod", Body: "helm diff"},
		}}
	}

	reg.Register(http.MethodGet, issuesPath, fake.list).Query("state", "opened").Query("labels", lbl)
	reg.Register(http.MethodPost, issuesPath, fake.create).Times(2)
	res, err := p.SyncIssues(t.Context(), drift("1 to change"))
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Created, scm.Created}, outcomes(res))
	assert.Equal(t, []string{lbl}, fake.issues[1].Labels)
	assert.Equal(t, "https://gitlab.example.com/acme/infra/-/issues/2", res[0].URL)
	reg.Verify()

	reg.Register(http.MethodGet, issuesPath, fake.list)
	currentUser(reg)
	res, err = p.SyncIssues(t.Context(), drift("1 to change"))
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Unchanged, scm.Unchanged}, outcomes(res))
	assert.Equal(t, 0, reg.Writes(), reg.Summary())
	reg.Verify()

	s := drift("2 to change")
	s.Open = s.Open[:1]
	s.Resolved = []string{project}
	s.ResolvedComment = "No drift any more."
	reg.Register(http.MethodGet, issuesPath, fake.list)
	reg.Register(http.MethodPut, issuesPath+"/2", fake.update(2))
	reg.Register(http.MethodPost, issuesPath+"/3/notes", fake.note(3))
	reg.Register(http.MethodPut, issuesPath+"/3", fake.update(3))
	res, err = p.SyncIssues(t.Context(), s)
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Updated, scm.Closed}, outcomes(res))
	assert.Equal(t, "closed", fake.issues[2].State)
	assert.Equal(t, []string{"No drift any more."}, fake.issues[2].Notes)
	assert.Equal(t, infra+"\n2 to change", fake.issues[1].Description)
}

func TestSyncIssuesPermission(t *testing.T) {
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	reg.Register(http.MethodGet, issuesPath, scmtest.JSON(http.StatusForbidden, forbiddenBody))
	_, err := p.SyncIssues(t.Context(), scm.IssueSync{Label: "l"})
	var pe *scm.PermissionError
	require.ErrorAs(t, err, &pe)
	_, err = p.SyncIssues(t.Context(), scm.IssueSync{})
	assert.ErrorContains(t, err, "no label")
}

func outcomes(rs []scm.Result) []scm.Outcome {
	var out []scm.Outcome
	for _, r := range rs {
		out = append(out, r.Outcome)
	}
	return out
}

func TestSyncIssuesLabelDropped(t *testing.T) {
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	reg.Register(http.MethodGet, issuesPath, scmtest.JSON(http.StatusOK, []issue{}))
	reg.Register(http.MethodPost, issuesPath, scmtest.JSON(http.StatusCreated, issue{ID: 1, IID: 5, Title: "t", State: "opened", Labels: []string{}}))
	res, err := p.SyncIssues(t.Context(), scm.IssueSync{Label: "tierdeploy-drift",
		Open: []scm.IssueSpec{{Marker: scm.DriftMarker("prod", "infrastructure"), Title: "t", Body: "b"}}})
	require.ErrorContains(t, err, `created without the label "tierdeploy-drift"`)
	require.Len(t, res, 1)
	assert.Equal(t, scm.Created, res[0].Outcome)
}
