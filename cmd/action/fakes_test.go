package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"
)

// note is a pull request comment or merge request note on a fake platform.
type note struct {
	ID   int64  `json:"id"`
	Body string `json:"body"`
	URL  string `json:"html_url,omitempty"`
}

// fakeHost is a stateful fake of the comment endpoints of GitHub's or
// GitLab's REST API, paginating as each does, and counting calls by method.
type fakeHost struct {
	srv *httptest.Server

	mu    sync.Mutex
	notes []note
	next  int64
	calls map[string]int
}

func (f *fakeHost) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeHost) snapshot() []note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]note(nil), f.notes...)
}

func (f *fakeHost) resetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = map[string]int{}
}

// seed adds comments written by others.
func (f *fakeHost) seed(n int) {
	for i := range n {
		f.next++
		f.notes = append(f.notes, note{ID: f.next, Body: fmt.Sprintf("looks good %d", i)})
	}
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
	n := note{ID: f.next, Body: in.Body, URL: fmt.Sprintf("%s/note/%d", f.srv.URL, f.next)}
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
	ghList   = regexp.MustCompile(`^/repos/acme/infra/issues/(\d+)/comments$`)
	ghUpdate = regexp.MustCompile(`^/repos/acme/infra/issues/comments/(\d+)$`)
	glNotes  = regexp.MustCompile(`^/api/v4/projects/42/merge_requests/(\d+)/notes$`)
	glNote   = regexp.MustCompile(`^/api/v4/projects/42/merge_requests/(\d+)/notes/(\d+)$`)
)

// newFakeGitHub serves the issue comment endpoints of GitHub's REST API for
// acme/infra (per_page up to 100, Link headers).
func newFakeGitHub(t *testing.T) *fakeHost {
	f := &fakeHost{calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls[r.Method]++
		if r.Header.Get("Authorization") != "Bearer test-token" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
			return
		}
		switch {
		case r.Method == http.MethodGet && ghList.MatchString(r.URL.Path):
			f.page(w, r, 30, func(h http.Header, cur, last int) {
				if cur < last {
					h.Set("Link", fmt.Sprintf(`<%s%s?page=%d&per_page=100>; rel="next"`, f.srv.URL, r.URL.Path, cur+1))
				}
			})
		case r.Method == http.MethodPost && ghList.MatchString(r.URL.Path):
			f.create(w, r, 65536)
		case r.Method == http.MethodPatch && ghUpdate.MatchString(r.URL.Path):
			f.update(w, r, ghUpdate.FindStringSubmatch(r.URL.Path)[1], 65536)
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.URL)
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// newFakeGitLab serves the merge request note endpoints of GitLab's REST API
// for project 42 (X-Next-Page pagination).
func newFakeGitLab(t *testing.T) *fakeHost {
	f := &fakeHost{calls: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls[r.Method]++
		if r.Header.Get("Private-Token") != "test-token" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
			return
		}
		switch {
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
