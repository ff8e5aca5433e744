package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// account is who wrote a comment, note or issue, with the fields each API
// shows: GitHub's user.login, user.id and user.type, GitLab's
// author.username and author.id.
type account struct {
	ID       int64  `json:"id"`
	Login    string `json:"login,omitempty"`
	Username string `json:"username,omitempty"`
	Type     string `json:"type,omitempty"`
}

// ghApp is a GitHub App as performed_via_github_app shows it.
type ghApp struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
}

// Accounts on the fake platforms: the workflow token (test-token) writes
// as github-actions[bot] on GitHub and as the project access token's bot
// user on GitLab; a person writes too.
var (
	ghActionsBot = account{ID: 41898282, Login: "github-actions[bot]", Type: "Bot"}
	ghActionsApp = &ghApp{ID: 15368, Slug: "github-actions"}
	ghPerson     = account{ID: 583231, Login: "octocat", Type: "User"}
	glTokenBot   = account{ID: 9001, Username: "project_42_bot_5f1c"}
	glPerson     = account{ID: 42, Username: "jdoe"}
)

// note is a pull request comment or merge request note on a fake platform.
type note struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url,omitempty"`
	// User and App are GitHub's; Author is GitLab's.
	User   *account `json:"user,omitempty"`
	App    *ghApp   `json:"performed_via_github_app,omitempty"`
	Author *account `json:"author,omitempty"`
}

// fakeHost is a stateful fake of the comment endpoints of GitHub's or
// GitLab's REST API, paginating as each does, and counting calls by method
// (GitHub's GraphQL queries as GRAPHQL).
type fakeHost struct {
	srv *httptest.Server

	// token is the account the test token writes as; person another one.
	token, person account

	mu    sync.Mutex
	notes []note // the list being served (GitLab: the merge request's)
	next  int64
	calls map[string]int
	// GitHub: comments by issue or pull request number, pull requests by
	// merge commit, issues.
	byNumber map[int][]note
	pulls    map[string][]ghPull
	issues   []*ghIssue
}

func (f *fakeHost) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeHost) snapshot() []note {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.byNumber != nil {
		return append([]note(nil), f.byNumber[7]...)
	}
	return append([]note(nil), f.notes...)
}

func (f *fakeHost) resetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
}

// seed adds comments written by a person (on pull request 7 on GitHub).
func (f *fakeHost) seed(n int) {
	for i := range n {
		f.next++
		f.notes = append(f.notes, f.by(f.person, note{ID: f.next, Body: fmt.Sprintf("looks good %d", i)}))
	}
	if f.byNumber != nil {
		f.byNumber[7] = f.notes
	}
}

// by returns n written by a, with the author fields of f's platform.
func (f *fakeHost) by(a account, n note) note {
	if f.byNumber != nil { // GitHub
		n.User = &a
		if a == ghActionsBot {
			n.App = ghActionsApp
		}
		return n
	}
	n.Author = &a
	return n
}

// plant adds a comment by a on pull request n (GitHub) or the merge
// request (GitLab), as anyone who may comment can.
func (f *fakeHost) plant(a account, n int, body string) note {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	c := f.by(a, note{ID: f.next, Body: body})
	if f.byNumber != nil {
		f.byNumber[n] = append(f.byNumber[n], c)
	} else {
		f.notes = append(f.notes, c)
	}
	return c
}

// editBody changes the body of comment id on pull request n (GitHub), as
// its author may at any time.
func (f *fakeHost) editBody(n int, id int64, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.byNumber[n] {
		if f.byNumber[n][i].ID == id {
			f.byNumber[n][i].Body = body
		}
	}
}

// plantIssue opens an issue by a with labels, as anyone may.
func (f *fakeHost) plantIssue(a account, title, body string, labels ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	is := &ghIssue{Number: 1000 + len(f.issues), Title: title, Body: body, State: "open", User: a}
	for _, l := range labels {
		is.Labels = append(is.Labels, map[string]any{"name": l})
	}
	f.issues = append(f.issues, is)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// page serves one page of the notes, setting the pagination headers with
// set.
func (f *fakeHost) page(w http.ResponseWriter, r *http.Request, defPer int, set func(h http.Header, cur, last int)) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = defPer
	}
	cur, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if cur <= 0 {
		cur = 1
	}
	last := max((len(f.notes)+per-1)/per, 1)
	lo := min((cur-1)*per, len(f.notes))
	hi := min(lo+per, len(f.notes))
	set(w.Header(), cur, last)
	writeJSON(w, http.StatusOK, f.notes[lo:hi])
}

func (f *fakeHost) create(w http.ResponseWriter, r *http.Request, limit int) {
	var in struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	if len([]rune(in.Body)) > limit {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: body is too long"})
		return
	}
	f.next++
	n := f.by(f.token, note{ID: f.next, Body: in.Body, URL: fmt.Sprintf("%s/note/%d", f.srv.URL, f.next)})
	f.notes = append(f.notes, n)
	writeJSON(w, http.StatusCreated, n)
}

func (f *fakeHost) update(w http.ResponseWriter, r *http.Request, id string, limit int) {
	var in struct {
		Body string `json:"body"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	if len([]rune(in.Body)) > limit {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Validation Failed: body is too long"})
		return
	}
	for i := range f.notes {
		if strconv.FormatInt(f.notes[i].ID, 10) == id {
			f.notes[i].Body = in.Body
			writeJSON(w, http.StatusOK, f.notes[i])
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

var (
	ghList      = regexp.MustCompile(`^/repos/acme/infra/issues/(\d+)/comments$`)
	ghUpdate    = regexp.MustCompile(`^/repos/acme/infra/issues/comments/(\d+)$`)
	ghPulls     = regexp.MustCompile(`^/repos/acme/infra/commits/([0-9a-f]+)/pulls$`)
	ghIssuePath = regexp.MustCompile(`^/repos/acme/infra/issues/(\d+)$`)
	glNotes     = regexp.MustCompile(`^/api/v4/projects/42/merge_requests/(\d+)/notes$`)
	glNote      = regexp.MustCompile(`^/api/v4/projects/42/merge_requests/(\d+)/notes/(\d+)$`)
)

// ghIssue is an issue on the fake GitHub.
type ghIssue struct {
	Number int              `json:"number"`
	Title  string           `json:"title"`
	Body   string           `json:"body"`
	State  string           `json:"state"`
	Labels []map[string]any `json:"labels"`
	URL    string           `json:"html_url"`
	User   account          `json:"user"`
	App    *ghApp           `json:"performed_via_github_app,omitempty"`
}

// ghPull is a pull request listed for a commit.
type ghPull struct {
	Number         int    `json:"number"`
	MergedAt       string `json:"merged_at,omitempty"`
	MergeCommitSHA string `json:"merge_commit_sha,omitempty"`
}

// newFakeGitHub serves the parts of GitHub's REST API tierdeploy uses for
// acme/infra: issue and pull request comments (per_page up to 100, Link
// headers), pull requests by commit, labelled issues, and who the token is
// (GET /user refuses the workflow token; GraphQL's viewer names its bot).
func newFakeGitHub(t *testing.T) *fakeHost {
	f := &fakeHost{calls: map[string]int{}, byNumber: map[int][]note{}, pulls: map[string][]ghPull{}, token: ghActionsBot, person: ghPerson}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.URL.Path == "/graphql" {
			f.calls["GRAPHQL"]++ // a query, not a write
		} else {
			f.calls[r.Method]++
		}
		if r.Header.Get("Authorization") != "Bearer test-token" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/user":
			// A workflow's GITHUB_TOKEN is an installation token.
			writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration",
				"documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"})
		case r.Method == http.MethodPost && r.URL.Path == "/graphql":
			var in struct {
				Query string `json:"query"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || !strings.Contains(in.Query, "viewer") {
				t.Errorf("unexpected GraphQL query %q", in.Query)
				writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"viewer": map[string]any{"login": f.token.Login, "databaseId": f.token.ID}}})
		case r.Method == http.MethodGet && ghList.MatchString(r.URL.Path):
			n, _ := strconv.Atoi(ghList.FindStringSubmatch(r.URL.Path)[1])
			f.notes = f.byNumber[n]
			f.page(w, r, 30, func(h http.Header, cur, last int) {
				if cur < last {
					h.Set("Link", fmt.Sprintf(`<%s%s?page=%d&per_page=100>; rel="next"`, f.srv.URL, r.URL.Path, cur+1))
				}
			})
		case r.Method == http.MethodPost && ghList.MatchString(r.URL.Path):
			n, _ := strconv.Atoi(ghList.FindStringSubmatch(r.URL.Path)[1])
			f.notes = f.byNumber[n]
			f.create(w, r, 65536)
			f.byNumber[n] = f.notes
		case r.Method == http.MethodPatch && ghUpdate.MatchString(r.URL.Path):
			id := ghUpdate.FindStringSubmatch(r.URL.Path)[1]
			for n, ns := range f.byNumber {
				for _, c := range ns {
					if strconv.FormatInt(c.ID, 10) == id {
						f.notes = ns
						f.update(w, r, id, 65536)
						f.byNumber[n] = f.notes
						return
					}
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		case r.Method == http.MethodGet && ghPulls.MatchString(r.URL.Path):
			prs := f.pulls[ghPulls.FindStringSubmatch(r.URL.Path)[1]]
			if prs == nil {
				prs = []ghPull{}
			}
			writeJSON(w, http.StatusOK, prs)
		case r.Method == http.MethodGet && r.URL.Path == "/repos/acme/infra/issues":
			var open []ghIssue
			for _, is := range f.issues {
				if is.State == "open" {
					open = append(open, *is)
				}
			}
			if open == nil {
				open = []ghIssue{}
			}
			writeJSON(w, http.StatusOK, open)
		case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/infra/issues":
			var in struct {
				Title, Body string
				Labels      []string
			}
			_ = json.NewDecoder(r.Body).Decode(&in)
			is := &ghIssue{Number: 1000 + len(f.issues), Title: in.Title, Body: in.Body, State: "open", User: ghActionsBot, App: ghActionsApp}
			for _, l := range in.Labels {
				is.Labels = append(is.Labels, map[string]any{"name": l})
			}
			f.issues = append(f.issues, is)
			writeJSON(w, http.StatusCreated, is)
		case r.Method == http.MethodPatch && ghIssuePath.MatchString(r.URL.Path):
			n, _ := strconv.Atoi(ghIssuePath.FindStringSubmatch(r.URL.Path)[1])
			var in map[string]any
			_ = json.NewDecoder(r.Body).Decode(&in)
			for _, is := range f.issues {
				if is.Number != n {
					continue
				}
				if v, ok := in["title"].(string); ok {
					is.Title = v
				}
				if v, ok := in["body"].(string); ok {
					is.Body = v
				}
				if v, ok := in["state"].(string); ok {
					is.State = v
				}
				writeJSON(w, http.StatusOK, is)
				return
			}
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// comments returns the comments on issue or pull request n.
func (f *fakeHost) comments(n int) []note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]note(nil), f.byNumber[n]...)
}

// mergedAs records that pull request n was merged as commit sha.
func (f *fakeHost) mergedAs(n int, sha string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pulls[sha] = []ghPull{{Number: n, MergedAt: "2026-11-25T12:00:00Z", MergeCommitSHA: sha}}
}

// openIssues returns the open issues.
func (f *fakeHost) openIssues() []ghIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []ghIssue
	for _, is := range f.issues {
		if is.State == "open" {
			out = append(out, *is)
		}
	}
	return out
}

// newFakeGitLab serves the merge request note endpoints of GitLab's REST API
// for project 42 (X-Next-Page pagination), and GET /user.
func newFakeGitLab(t *testing.T) *fakeHost {
	f := &fakeHost{calls: map[string]int{}, token: glTokenBot, person: glPerson}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls[r.Method]++
		if r.Header.Get("Private-Token") != "test-token" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/v4/user":
			// A project access token acts as its bot user.
			writeJSON(w, http.StatusOK, map[string]any{"id": f.token.ID, "username": f.token.Username, "bot": true})
		case r.Method == http.MethodGet && glNotes.MatchString(r.URL.Path):
			f.page(w, r, 20, func(h http.Header, cur, last int) {
				h.Set("X-Page", strconv.Itoa(cur))
				h.Set("X-Total-Pages", strconv.Itoa(last))
				if cur < last {
					h.Set("X-Next-Page", strconv.Itoa(cur+1))
				} else {
					h.Set("X-Next-Page", "")
				}
			})
		case r.Method == http.MethodPost && glNotes.MatchString(r.URL.Path):
			f.create(w, r, 1_000_000)
		case r.Method == http.MethodPut && glNote.MatchString(r.URL.Path):
			f.update(w, r, glNote.FindStringSubmatch(r.URL.Path)[2], 1_000_000)
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not Found"})
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}
