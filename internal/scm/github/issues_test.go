package github

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

const issuesPath = "/repos/acme/infra/issues"

type label struct {
	Name string `json:"name"`
}

// issue is an issue as GitHub's REST API returns it.
type issue struct {
	Number      int            `json:"number"`
	Title       string         `json:"title"`
	Body        string         `json:"body"`
	State       string         `json:"state"`
	StateReason string         `json:"state_reason,omitempty"`
	Labels      []label        `json:"labels"`
	HTMLURL     string         `json:"html_url"`
	PullRequest map[string]any `json:"pull_request,omitempty"`
	User        user           `json:"user"`
	App         *app           `json:"performed_via_github_app"`
	Comments    []string       `json:"-"`
}

// fakeIssues serves a repository's issues as GitHub does: the list filtered
// by state and label (it holds pull requests too), create, edit, comment.
type fakeIssues struct {
	mu     sync.Mutex
	issues []*issue
}

// add adds an issue; one without a user is by the token's account,
// github-actions[bot].
func (f *fakeIssues) add(is issue) *issue {
	if is.User == (user{}) {
		is.User, is.App = actionsBot, actionsApp
	}
	is.Number = len(f.issues) + 1
	is.HTMLURL = fmt.Sprintf("https://github.com/acme/infra/issues/%d", is.Number)
	if is.State == "" {
		is.State = "open"
	}
	f.issues = append(f.issues, &is)
	return &is
}

func (f *fakeIssues) list(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	var sel []issue
	q := r.URL.Query()
	for _, is := range f.issues {
		if q.Get("state") != "" && q.Get("state") != is.State {
			continue
		}
		if l := q.Get("labels"); l != "" && !slices.Contains(is.Labels, label{l}) {
			continue
		}
		sel = append(sel, *is)
	}
	f.mu.Unlock()
	scmtest.GitHubPages(&sel)(w, r)
}

func (f *fakeIssues) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Title, Body string
		Labels      []string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		scmtest.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	is := issue{Title: in.Title, Body: in.Body}
	for _, l := range in.Labels {
		is.Labels = append(is.Labels, label{l})
	}
	f.mu.Lock()
	created := f.add(is)
	f.mu.Unlock()
	scmtest.WriteJSON(w, http.StatusCreated, created)
}

func (f *fakeIssues) edit(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		f.mu.Lock()
		defer f.mu.Unlock()
		is := f.issues[n-1]
		for k, v := range in {
			switch k {
			case "title":
				is.Title = v
			case "body":
				is.Body = v
			case "state":
				is.State = v
			case "state_reason":
				is.StateReason = v
			}
		}
		scmtest.WriteJSON(w, http.StatusOK, is)
	}
}

func (f *fakeIssues) comment(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		f.mu.Lock()
		f.issues[n-1].Comments = append(f.issues[n-1].Comments, in.Body)
		f.mu.Unlock()
		scmtest.WriteJSON(w, http.StatusCreated, comment{ID: 1, Body: in.Body})
	}
}

func TestSyncIssuesRuns(t *testing.T) {
	const lbl = "tierdeploy-drift"
	infra, project := scm.DriftMarker("prod", "infrastructure"), scm.DriftMarker("prod", "project")
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := &fakeIssues{}
	fake.add(issue{Title: "A pull request", PullRequest: map[string]any{"url": "x"}, Labels: []label{{lbl}}})
	fake.add(issue{Title: "Someone else's issue", Labels: []label{{"bug"}}})

	drift := func(infraBody string) scm.IssueSync {
		return scm.IssueSync{
			Label: lbl,
			Open: []scm.IssueSpec{
				{Marker: infra, Title: "Drift: infrastructure in prod", Body: infraBody},
				{Marker: project, Title: "Drift: project in prod", Body: "helm diff"},
			},
		}
	}

	// Run 1: two drifting stacks, no issues yet.
	reg.Register(http.MethodGet, issuesPath, fake.list).Query("state", "open").Query("labels", lbl)
	reg.Register(http.MethodPost, issuesPath, fake.create).Times(2)
	res, err := repo.SyncIssues(t.Context(), drift("1 to change"))
	require.NoError(t, err)
	require.Len(t, res, 2)
	assert.Equal(t, scm.Created, res[0].Outcome)
	assert.Equal(t, int64(3), res[0].ID)
	assert.Equal(t, "https://github.com/acme/infra/issues/3", res[0].URL)
	assert.Equal(t, []label{{lbl}}, fake.issues[2].Labels)
	assert.Equal(t, infra+"\n1 to change", fake.issues[2].Body)
	reg.Verify()

	// Run 2: same drift: one read (and who the token is), no writes, no
	// duplicates.
	reg.Register(http.MethodGet, issuesPath, fake.list)
	workflowToken(reg)
	res, err = repo.SyncIssues(t.Context(), drift("1 to change"))
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Unchanged, scm.Unchanged}, outcomes(res))
	assert.Equal(t, map[string]int{"GET " + issuesPath: 1, "GET /user": 1, "POST /graphql": 1}, reg.Counts())
	reg.Verify()

	// Run 3: infrastructure drift changed; project checked and clean.
	s := drift("2 to change")
	s.Open = s.Open[:1]
	s.Resolved = []string{project}
	s.ResolvedComment = "No drift any more at abc123."
	reg.Register(http.MethodGet, issuesPath, fake.list)
	reg.Register(http.MethodPatch, issuesPath+"/3", fake.edit(3))
	reg.Register(http.MethodPost, issuesPath+"/4/comments", fake.comment(4))
	reg.Register(http.MethodPatch, issuesPath+"/4", fake.edit(4))
	res, err = repo.SyncIssues(t.Context(), s)
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Updated, scm.Closed}, outcomes(res))
	assert.Equal(t, "closed", fake.issues[3].State)
	assert.Equal(t, "completed", fake.issues[3].StateReason)
	assert.Equal(t, []string{"No drift any more at abc123."}, fake.issues[3].Comments)
	assert.Equal(t, infra+"\n2 to change", fake.issues[2].Body)
	reg.Verify()
}

func TestSyncIssuesClosesDuplicatesAndPages(t *testing.T) {
	const lbl = "tierdeploy-drift"
	infra := scm.DriftMarker("prod", "infrastructure")
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := &fakeIssues{}
	for i := range 120 {
		fake.add(issue{Title: fmt.Sprintf("old drift %d", i), Body: scm.DriftMarker("dev", fmt.Sprint(i)), Labels: []label{{lbl}}})
	}
	fake.add(issue{Title: "Drift: infrastructure in prod", Body: infra + "\nplan", Labels: []label{{lbl}}})
	fake.add(issue{Title: "Drift: infrastructure in prod", Body: infra + "\nplan", Labels: []label{{lbl}}})
	reg.Register(http.MethodGet, issuesPath, fake.list).Times(2)
	workflowToken(reg)
	reg.Register(http.MethodPost, issuesPath+"/122/comments", fake.comment(122))
	reg.Register(http.MethodPatch, issuesPath+"/122", fake.edit(122))
	res, err := repo.SyncIssues(t.Context(), scm.IssueSync{
		Label: lbl,
		Open:  []scm.IssueSpec{{Marker: infra, Title: "Drift: infrastructure in prod", Body: "plan"}},
	})
	require.NoError(t, err)
	assert.Equal(t, []scm.Outcome{scm.Unchanged, scm.Closed}, outcomes(res))
	assert.Equal(t, "not_planned", fake.issues[121].StateReason)
	assert.Equal(t, []string{"Closed as a duplicate of #121."}, fake.issues[121].Comments)
}

func TestSyncIssuesErrors(t *testing.T) {
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	_, err := repo.SyncIssues(t.Context(), scm.IssueSync{})
	assert.ErrorContains(t, err, "no label")

	big := scm.IssueSync{Label: "l", Open: []scm.IssueSpec{{Marker: "m", Title: "t", Body: string(make([]byte, scm.GitHubBodyLimit))}}}
	_, err = repo.SyncIssues(t.Context(), big)
	var tl *scm.TooLargeError
	assert.ErrorAs(t, err, &tl)

	reg.Register(http.MethodGet, issuesPath, scmtest.JSON(http.StatusForbidden, forbiddenBody))
	_, err = repo.SyncIssues(t.Context(), scm.IssueSync{Label: "l"})
	var pe *scm.PermissionError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "issues: write", pe.Need)
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
	repo, _ := newTestRepo(t, reg)
	reg.Register(http.MethodGet, issuesPath, scmtest.JSON(http.StatusOK, []issue{}))
	reg.Register(http.MethodPost, issuesPath, scmtest.JSON(http.StatusCreated, issue{Number: 5, Title: "t", State: "open"}))
	res, err := repo.SyncIssues(t.Context(), scm.IssueSync{Label: "tierdeploy-drift",
		Open: []scm.IssueSpec{{Marker: scm.DriftMarker("prod", "infrastructure"), Title: "t", Body: "b"}}})
	require.ErrorContains(t, err, `created without the label "tierdeploy-drift"`)
	assert.Equal(t, []scm.Outcome{scm.Created}, outcomes(res), "the write is reported")
}
