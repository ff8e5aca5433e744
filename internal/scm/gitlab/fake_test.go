package gitlab

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

const (
	projectID = "278964"
	notesPath = "/api/v4/projects/278964/merge_requests/17/notes"
)

// testRetry retries quickly.
var testRetry = scm.Retry{Max: 3, Base: time.Millisecond, MaxWait: 2 * time.Minute, SecondaryWait: time.Millisecond}

func newTestProject(t *testing.T, reg *scmtest.Registry) *Project {
	t.Helper()
	p, err := New(Options{
		Token:       "glpat-test",
		APIURL:      reg.URL() + "/api/v4",
		ServerURL:   "https://gitlab.example.com",
		ProjectPath: "acme/infra",
		ProjectID:   projectID,
		Retry:       testRetry,
	})
	require.NoError(t, err)
	return p
}

// account is a user as GitLab's REST API shows it on notes and issues.
type account struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
	Bot      bool   `json:"bot,omitempty"`
}

// Accounts of the tests: the project access token acts as its bot user;
// people write notes too.
var (
	tokenBot = account{ID: 9001, Username: "project_278964_bot_5f1c", Name: "tierdeploy", Bot: true}
	jdoe     = account{ID: 42, Username: "jdoe", Name: "Jane Doe"}
	mallory  = account{ID: 666, Username: "mallory", Name: "Mallory"}
)

// note is a note as GitLab's REST API returns it.
type note struct {
	ID     int64   `json:"id"`
	Body   string  `json:"body"`
	System bool    `json:"system"`
	Author account `json:"author"`
}

// fakeNotes keeps the notes of merge request !17 and serves them as GitLab
// does: list (offset pagination, in the order asked for), create, update,
// and 400 for a body over 1,000,000 characters. Notes it creates are by the
// token's bot user.
type fakeNotes struct {
	mu     sync.Mutex
	notes  []note
	nextID int64
}

// newFakeNotes returns the notes of a merge request with others notes by a
// person, every tenth a system note.
func newFakeNotes(others int) *fakeNotes {
	f := &fakeNotes{nextID: 500}
	for i := range others {
		n := f.addBy(jdoe, fmt.Sprintf("note %d", i))
		if i%10 == 0 {
			f.notes[len(f.notes)-1].System = true
			f.notes[len(f.notes)-1].Body = "added 1 commit " + n.Body
		}
	}
	return f
}

// add adds a note by the token's bot user.
func (f *fakeNotes) add(body string) note { return f.addBy(tokenBot, body) }

// addBy adds a note by a.
func (f *fakeNotes) addBy(a account, body string) note {
	f.nextID++
	n := note{ID: f.nextID, Body: body, Author: a}
	f.notes = append(f.notes, n)
	return n
}

// currentUser registers GET /user, which answers a project access token
// with its bot user.
func currentUser(reg *scmtest.Registry) {
	reg.Register(http.MethodGet, "/api/v4/user", scmtest.JSON(http.StatusOK, tokenBot))
}

func (f *fakeNotes) list(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	ns := append([]note(nil), f.notes...)
	f.mu.Unlock()
	if r.URL.Query().Get("sort") != "asc" {
		// GitLab's default order is newest first.
		for i, j := 0, len(ns)-1; i < j; i, j = i+1, j-1 {
			ns[i], ns[j] = ns[j], ns[i]
		}
	}
	scmtest.GitLabPages(&ns)(w, r)
}

func (f *fakeNotes) create(w http.ResponseWriter, r *http.Request) {
	var in struct{ Body string }
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Body == "" {
		scmtest.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "body is missing"})
		return
	}
	if utf8.RuneCountInString(in.Body) > scm.GitLabBodyLimit {
		scmtest.WriteJSON(w, http.StatusBadRequest, tooLongBody)
		return
	}
	f.mu.Lock()
	n := f.add(in.Body)
	f.mu.Unlock()
	scmtest.WriteJSON(w, http.StatusCreated, n)
}

func (f *fakeNotes) update(id int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		f.mu.Lock()
		defer f.mu.Unlock()
		for i := range f.notes {
			if f.notes[i].ID == id {
				f.notes[i].Body = in.Body
				scmtest.WriteJSON(w, http.StatusOK, f.notes[i])
				return
			}
		}
		scmtest.WriteJSON(w, http.StatusNotFound, map[string]string{"message": "404 Not found"})
	}
}

var (
	tooLongBody   = map[string]any{"message": map[string][]string{"note": {"is too long (maximum is 1000000 characters)"}}}
	forbiddenBody = map[string]string{"message": "403 Forbidden"}
	scopeBody     = map[string]string{
		"error":             "insufficient_scope",
		"error_description": "The request requires higher privileges than provided by the access token.",
		"scope":             "api",
	}
)
