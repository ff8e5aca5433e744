package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

const commentsPath = "/repos/acme/infra/issues/12/comments"

// testRetry retries quickly; the waits are recorded, not slept.
var testRetry = scm.Retry{Max: 3, Base: time.Millisecond, MaxWait: 2 * time.Minute, SecondaryWait: time.Minute}

// newTestRepo returns a Repo talking to reg, and the waits it asked for.
func newTestRepo(t *testing.T, reg *scmtest.Registry) (*Repo, *[]time.Duration) {
	t.Helper()
	var mu sync.Mutex
	var waits []time.Duration
	r, err := New(Options{
		Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			waits = append(waits, d)
			return nil
		},
		Token:      "ghs_test",
		APIURL:     reg.URL(),
		Repository: "acme/infra",
		Retry:      testRetry,
	})
	require.NoError(t, err)
	return r, &waits
}

// user is an account as GitHub's REST API shows it on comments and issues.
type user struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

// app is a GitHub App as performed_via_github_app shows it.
type app struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Accounts of the tests: a workflow's GITHUB_TOKEN writes as
// github-actions[bot] through the GitHub Actions App; people and other
// Apps' bots write too.
var (
	actionsBot = user{Login: "github-actions[bot]", ID: 41898282, Type: "Bot"}
	actionsApp = &app{ID: 15368, Slug: "github-actions", Name: "GitHub Actions"}
	octocat    = user{Login: "octocat", ID: 583231, Type: "User"}
	mallory    = user{Login: "mallory", ID: 666, Type: "User"}
	otherBot   = user{Login: "renovate[bot]", ID: 29139614, Type: "Bot"}
	otherApp   = &app{ID: 2740, Slug: "renovate", Name: "Renovate"}
)

// comment is an issue comment as GitHub's REST API returns it.
type comment struct {
	ID      int64  `json:"id"`
	Body    string `json:"body"`
	HTMLURL string `json:"html_url"`
	User    user   `json:"user"`
	App     *app   `json:"performed_via_github_app"`
}

// fakeComments keeps the comments of pull request 12 and serves them as
// GitHub does: list (paginated), create, edit, and 422 for a body over
// 65,536 characters (counted as UTF-16 units, as a stricter server might).
// Comments it creates are by author through authorApp: the token's account.
type fakeComments struct {
	mu        sync.Mutex
	comments  []comment
	nextID    int64
	author    user
	authorApp *app
}

// newFakeComments returns the comments of a pull request with others
// comments by a person; the token is a workflow's GITHUB_TOKEN.
func newFakeComments(others int) *fakeComments {
	f := &fakeComments{nextID: 1000, author: actionsBot, authorApp: actionsApp}
	for i := range others {
		f.addBy(octocat, nil, fmt.Sprintf("comment %d: looks good", i))
	}
	return f
}

// add adds a comment by the token's account.
func (f *fakeComments) add(body string) comment { return f.addBy(f.author, f.authorApp, body) }

// addBy adds a comment by u, through a when not nil.
func (f *fakeComments) addBy(u user, a *app, body string) comment {
	f.nextID++
	c := comment{ID: f.nextID, Body: body, HTMLURL: fmt.Sprintf("https://github.com/acme/infra/pull/12#issuecomment-%d", f.nextID), User: u, App: a}
	f.comments = append(f.comments, c)
	return c
}

// workflowToken registers what GitHub answers a workflow's GITHUB_TOKEN
// asked who it is: 403 on GET /user, github-actions[bot] as GraphQL's
// viewer.
func workflowToken(reg *scmtest.Registry) {
	reg.Register(http.MethodGet, "/user", scmtest.JSON(http.StatusForbidden, map[string]string{
		"message":           "Resource not accessible by integration",
		"documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
	}))
	reg.Register(http.MethodPost, "/graphql", viewer(actionsBot))
}

// viewer answers GraphQL's viewer query with u.
func viewer(u user) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Query string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || !strings.Contains(in.Query, "viewer") {
			scmtest.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		scmtest.WriteJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"viewer": map[string]any{"login": u.Login, "databaseId": u.ID}}})
	}
}

func (f *fakeComments) list() http.HandlerFunc { return scmtest.GitHubPages(&f.comments) }

func (f *fakeComments) create(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		scmtest.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	if tooLong(in.Body) {
		scmtest.WriteJSON(w, http.StatusUnprocessableEntity, tooLongBody)
		return
	}
	f.mu.Lock()
	c := f.add(in.Body)
	f.mu.Unlock()
	scmtest.WriteJSON(w, http.StatusCreated, c)
}

func (f *fakeComments) edit(id int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Body string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			scmtest.WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		if tooLong(in.Body) {
			scmtest.WriteJSON(w, http.StatusUnprocessableEntity, tooLongBody)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		for i := range f.comments {
			if f.comments[i].ID == id {
				f.comments[i].Body = in.Body
				scmtest.WriteJSON(w, http.StatusOK, f.comments[i])
				return
			}
		}
		scmtest.WriteJSON(w, http.StatusNotFound, notFoundBody)
	}
}

func tooLong(s string) bool { return len(utf16.Encode([]rune(s))) > scm.GitHubBodyLimit }

var (
	tooLongBody = map[string]any{
		"message": "Validation Failed",
		"errors": []map[string]string{{
			"resource": "IssueComment", "code": "custom", "field": "body",
			"message": "body is too long (maximum is 65536 characters)",
		}},
		"documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
	}
	notFoundBody = map[string]string{
		"message":           "Not Found",
		"documentation_url": "https://docs.github.com/rest",
	}
	forbiddenBody = map[string]string{
		"message":           "Resource not accessible by integration",
		"documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
	}
	secondaryBody = map[string]string{
		"message":           "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
	}
	primaryBody = map[string]string{
		"message":           "API rate limit exceeded for installation ID 1.",
		"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
	}
)
