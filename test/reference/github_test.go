package reference

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// issueHost is a GitHub REST API of one repository (acme/reference) that
// keeps issues and their comments, enough for tierdeploy's drift issues.
type issueHost struct {
	t   *testing.T
	srv *httptest.Server

	mu     sync.Mutex
	issues []*ghIssue
}

type ghIssue struct {
	Number   int              `json:"number"`
	User     ghUser           `json:"user"`
	Title    string           `json:"title"`
	Body     string           `json:"body"`
	State    string           `json:"state"`
	HTMLURL  string           `json:"html_url"`
	Labels   []map[string]any `json:"labels"`
	Comments []string         `json:"-"`
}

type ghUser struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

// bot is the account the test's token acts as.
var bot = ghUser{Login: "tierdeploy-bot", ID: 42, Type: "Bot"}

var (
	issuePath    = regexp.MustCompile(`^/repos/acme/reference/issues/(\d+)$`)
	commentsPath = regexp.MustCompile(`^/repos/acme/reference/issues/(\d+)/comments$`)
)

func newIssueHost(t *testing.T) *issueHost {
	h := &issueHost{t: t}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *issueHost) serve(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	reply := func(code int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(v)
	}
	if r.Header.Get("Authorization") != "Bearer test-token" {
		reply(http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/user":
		reply(http.StatusOK, bot)
	case r.Method == http.MethodGet && r.URL.Path == "/repos/acme/reference/issues":
		open := []*ghIssue{}
		for _, is := range h.issues {
			if is.State == "open" {
				open = append(open, is)
			}
		}
		reply(http.StatusOK, open)
	case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/reference/issues":
		var in struct {
			Title, Body string
			Labels      []string
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		n := len(h.issues) + 1
		is := &ghIssue{Number: n, User: bot, Title: in.Title, Body: in.Body, State: "open",
			HTMLURL: fmt.Sprintf("https://github.example.invalid/acme/reference/issues/%d", n)}
		for _, l := range in.Labels {
			is.Labels = append(is.Labels, map[string]any{"name": l})
		}
		h.issues = append(h.issues, is)
		reply(http.StatusCreated, is)
	case r.Method == http.MethodPatch && issuePath.MatchString(r.URL.Path):
		n, _ := strconv.Atoi(issuePath.FindStringSubmatch(r.URL.Path)[1])
		if n < 1 || n > len(h.issues) {
			reply(http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		is := h.issues[n-1]
		if v, ok := in["title"].(string); ok {
			is.Title = v
		}
		if v, ok := in["body"].(string); ok {
			is.Body = v
		}
		if v, ok := in["state"].(string); ok {
			is.State = v
		}
		reply(http.StatusOK, is)
	case r.Method == http.MethodPost && commentsPath.MatchString(r.URL.Path):
		n, _ := strconv.Atoi(commentsPath.FindStringSubmatch(r.URL.Path)[1])
		if n < 1 || n > len(h.issues) {
			reply(http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		var in struct{ Body string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		h.issues[n-1].Comments = append(h.issues[n-1].Comments, in.Body)
		reply(http.StatusCreated, map[string]any{"id": 1, "body": in.Body})
	default:
		h.t.Errorf("the GitHub API got an unexpected request: %s %s", r.Method, r.URL)
		reply(http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// seed adds an open issue written by another account.
func (h *issueHost) seed(author, title, body string, labels ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.issues) + 1
	is := &ghIssue{Number: n, User: ghUser{Login: author, ID: 7, Type: "User"}, Title: title, Body: body, State: "open",
		HTMLURL: fmt.Sprintf("https://github.example.invalid/acme/reference/issues/%d", n)}
	for _, l := range labels {
		is.Labels = append(is.Labels, map[string]any{"name": l})
	}
	h.issues = append(h.issues, is)
}

// ours returns a copy of the issues the bot wrote, oldest first.
func (h *issueHost) ours() []ghIssue {
	var out []ghIssue
	for _, is := range h.snapshot() {
		if is.User == bot {
			out = append(out, is)
		}
	}
	return out
}

// snapshot returns a copy of every issue.
func (h *issueHost) snapshot() []ghIssue {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]ghIssue, len(h.issues))
	for i, is := range h.issues {
		out[i] = *is
		out[i].Comments = append([]string(nil), is.Comments...)
	}
	return out
}

// scheduledRun returns the environment of a scheduled GitHub Actions run of
// acme/reference at commit sha, with its API at h.
func (h *issueHost) scheduledRun(t *testing.T, sha string) []string {
	t.Helper()
	tmp := t.TempDir()
	event := filepath.Join(tmp, "event.json")
	b, err := json.Marshal(map[string]any{"schedule": "0 3 * * *",
		"repository": map[string]any{"id": 1, "full_name": "acme/reference", "default_branch": "main"}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(event, b, 0o644))
	return []string{
		"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=schedule", "GITHUB_EVENT_PATH=" + event,
		"GITHUB_REPOSITORY=acme/reference", "GITHUB_API_URL=" + h.srv.URL,
		"GITHUB_SERVER_URL=https://github.example.invalid", "GITHUB_RUN_ID=7", "GITHUB_SHA=" + sha,
		"GITHUB_REF=refs/heads/main", "GITHUB_TOKEN=test-token", "RUNNER_TEMP=" + tmp,
		"GITHUB_OUTPUT=" + filepath.Join(tmp, "output"), "GITHUB_STEP_SUMMARY=" + filepath.Join(tmp, "summary"),
	}
}
