package event

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	prBase   = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	prHead   = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	pushSHA  = "6113728f27ae82c7b1a177c8d03f9e96e0adf246"
	runSHA   = "0123456789abcdef0123456789abcdef01234567"
	prMerged = "c4295bd74fb0f4fda03689c3df3f2803b658fd85"
)

// githubEnvFor returns the variables a GitHub Actions job sees for an event
// whose payload is at path.
func githubEnvFor(name, path string) map[string]string {
	return map[string]string{
		"GITHUB_ACTIONS":     "true",
		"GITHUB_EVENT_NAME":  name,
		"GITHUB_EVENT_PATH":  path,
		"GITHUB_SHA":         runSHA,
		"GITHUB_REF":         "refs/heads/master",
		"GITHUB_REF_NAME":    "master",
		"GITHUB_SERVER_URL":  "https://github.com",
		"GITHUB_API_URL":     "https://api.github.com",
		"GITHUB_RUN_ID":      "1658821493",
		"GITHUB_RUN_ATTEMPT": "1",
		"GITHUB_ACTOR":       "Codertocat",
	}
}

// rewrite loads a testdata payload, lets edit change it and writes the result
// to a temporary file, returning its path.
func rewrite(t *testing.T, file string, edit func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "github", file))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	edit(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "event.json")
	require.NoError(t, os.WriteFile(p, out, 0o600))
	return p
}

func writePayload(t *testing.T, s string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "event.json")
	require.NoError(t, os.WriteFile(p, []byte(s), 0o600))
	return p
}

func TestFromEnvGitHub(t *testing.T) {
	td := func(f string) string { return filepath.Join("testdata", "github", f) }
	forkPR := rewrite(t, "pull_request.opened.json", func(m map[string]any) {
		head := m["pull_request"].(map[string]any)["head"].(map[string]any)
		repo := head["repo"].(map[string]any)
		repo["id"] = float64(99)
		repo["full_name"] = "mallory/Hello-World"
		repo["fork"] = true
	})
	deletedFork := rewrite(t, "pull_request.synchronize.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["head"].(map[string]any)["repo"] = nil
	})
	mergedPR := rewrite(t, "pull_request.closed.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["merged"] = true
	})
	schedule := writePayload(t, `{"schedule":"17 3 * * *","repository":{"id":186853002,"full_name":"Codertocat/Hello-World","default_branch":"main"}}`)

	prBaseEvent := Event{
		Platform: GitHub, Kind: KindPullRequest, Repository: "Codertocat/Hello-World", ProjectID: "186853002",
		Number: 2, BaseSHA: prBase, HeadSHA: prHead, BaseRef: "master", HeadRef: "changes",
		Ref: "refs/heads/master", DefaultBranch: "master",
		RunURL:    "https://github.com/Codertocat/Hello-World/actions/runs/1658821493",
		ServerURL: "https://github.com", APIURL: "https://api.github.com", Actor: "Codertocat",
	}
	with := func(e Event, f func(*Event)) Event { f(&e); return e }

	tests := []struct {
		name  string
		event string
		path  string
		env   map[string]string
		want  Event
	}{
		{
			name: "pull_request opened", event: "pull_request", path: td("pull_request.opened.json"),
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action = "pull_request", "opened" }),
		},
		{
			name: "pull_request opened in an organization", event: "pull_request", path: td("pull_request.opened.with-organization.json"),
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action = "pull_request", "opened" }),
		},
		{
			name: "pull_request reopened", event: "pull_request", path: td("pull_request.reopened.json"),
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action = "pull_request", "reopened" }),
		},
		{
			name: "pull_request synchronize", event: "pull_request", path: td("pull_request.synchronize.json"),
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action = "pull_request", "synchronize" }),
		},
		{
			name: "pull_request closed without merge", event: "pull_request", path: td("pull_request.closed.json"),
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action = "pull_request", "closed" }),
		},
		{
			name: "pull_request closed and merged", event: "pull_request", path: mergedPR,
			want: with(prBaseEvent, func(e *Event) {
				e.Name, e.Action, e.Merged, e.MergeSHA = "pull_request", "closed", true, prMerged
			}),
		},
		{
			name: "pull_request from a fork", event: "pull_request", path: forkPR,
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action, e.Fork = "pull_request", "opened", true }),
		},
		{
			name: "pull_request from a deleted fork", event: "pull_request", path: deletedFork,
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action, e.Fork = "pull_request", "synchronize", true }),
		},
		{
			name: "pull_request_target from a fork", event: "pull_request_target", path: forkPR,
			want: with(prBaseEvent, func(e *Event) {
				e.Name, e.Action, e.Fork, e.ForkWithSecrets = "pull_request_target", "opened", true, true
			}),
		},
		{
			name: "pull_request_target from the same repository", event: "pull_request_target", path: td("pull_request.synchronize.json"),
			want: with(prBaseEvent, func(e *Event) { e.Name, e.Action = "pull_request_target", "synchronize" }),
		},
		{
			name: "push that deletes a tag", event: "push", path: td("push.json"),
			want: Event{
				Platform: GitHub, Kind: KindPush, Name: "push", Repository: "Codertocat/Hello-World", ProjectID: "186853002",
				BaseSHA: pushSHA, HeadRef: "simple-tag", Ref: "refs/tags/simple-tag", DefaultBranch: "master",
				RunURL:    "https://github.com/Codertocat/Hello-World/actions/runs/1658821493",
				ServerURL: "https://github.com", APIURL: "https://api.github.com", Actor: "Codertocat", Deleted: true,
			},
		},
		{
			name: "push that creates a branch", event: "push", path: td("push.with-new-branch.json"),
			want: Event{
				Platform: GitHub, Kind: KindPush, Name: "push", Repository: "Codertocat/Hello-World", ProjectID: "186853002",
				HeadSHA: pushSHA, HeadRef: "master", Ref: "refs/heads/master", DefaultBranch: "master",
				RunURL:    "https://github.com/Codertocat/Hello-World/actions/runs/1658821493",
				ServerURL: "https://github.com", APIURL: "https://api.github.com", Actor: "Codertocat", NewBranch: true,
			},
		},
		{
			name: "schedule", event: "schedule", path: schedule,
			env: map[string]string{"GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main"},
			want: Event{
				Platform: GitHub, Kind: KindSchedule, Name: "schedule", Repository: "Codertocat/Hello-World", ProjectID: "186853002",
				HeadSHA: runSHA, HeadRef: "main", Ref: "refs/heads/main", DefaultBranch: "main",
				RunURL:    "https://github.com/Codertocat/Hello-World/actions/runs/1658821493",
				ServerURL: "https://github.com", APIURL: "https://api.github.com", Actor: "Codertocat",
			},
		},
		{
			name: "schedule without a payload file", event: "schedule", path: "",
			env: map[string]string{"GITHUB_REPOSITORY": "acme/infra", "GITHUB_REF": "refs/heads/main", "GITHUB_REF_NAME": "main"},
			want: Event{
				Platform: GitHub, Kind: KindSchedule, Name: "schedule", Repository: "acme/infra",
				HeadSHA: runSHA, HeadRef: "main", Ref: "refs/heads/main", DefaultBranch: "main",
				RunURL:    "https://github.com/acme/infra/actions/runs/1658821493",
				ServerURL: "https://github.com", APIURL: "https://api.github.com", Actor: "Codertocat",
			},
		},
		{
			name: "workflow_dispatch", event: "workflow_dispatch", path: td("workflow_dispatch.json"),
			want: Event{
				Platform: GitHub, Kind: KindManual, Name: "workflow_dispatch", Repository: "octo-org/octo-repo", ProjectID: "17273051",
				HeadSHA: runSHA, HeadRef: "master", Ref: "refs/heads/master", DefaultBranch: "master",
				RunURL:    "https://github.com/octo-org/octo-repo/actions/runs/1658821493",
				ServerURL: "https://github.com", APIURL: "https://api.github.com", Actor: "Codertocat",
			},
		},
		{
			name: "GitHub Enterprise Server, second attempt", event: "pull_request", path: td("pull_request.opened.json"),
			env: map[string]string{
				"GITHUB_SERVER_URL": "https://ghe.example.com/", "GITHUB_API_URL": "https://ghe.example.com/api/v3",
				"GITHUB_RUN_ATTEMPT": "2", "GITHUB_REPOSITORY": "Codertocat/Hello-World", "GITHUB_REPOSITORY_ID": "7",
				"GITHUB_REF": "refs/pull/2/merge",
			},
			want: with(prBaseEvent, func(e *Event) {
				e.Name, e.Action, e.ProjectID, e.Ref = "pull_request", "opened", "7", "refs/pull/2/merge"
				e.ServerURL, e.APIURL = "https://ghe.example.com", "https://ghe.example.com/api/v3"
				e.RunURL = "https://ghe.example.com/Codertocat/Hello-World/actions/runs/1658821493/attempts/2"
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := githubEnvFor(tt.event, tt.path)
			for k, v := range tt.env {
				env[k] = v
			}
			e, err := FromEnv(t.Context(), GitHub, envOf(env), os.ReadFile)
			require.NoError(t, err)
			assert.Equal(t, tt.want, e)
		})
	}
}

func TestFromEnvGitHubErrors(t *testing.T) {
	td := func(f string) string { return filepath.Join("testdata", "github", f) }
	badSHA := rewrite(t, "pull_request.opened.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["head"].(map[string]any)["sha"] = "--upload-pack=evil"
	})
	noPR := writePayload(t, `{"action":"opened","number":2,"repository":{"full_name":"a/b"}}`)
	mergedNoSHA := rewrite(t, "pull_request.opened.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["merged"] = true
	})
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantAs  any
		missing bool
	}{
		{name: "no event name", env: map[string]string{"GITHUB_EVENT_NAME": ""}, want: "GITHUB_EVENT_NAME is not set", wantAs: new(*EnvError)},
		{name: "no payload path for a pull request", env: map[string]string{"GITHUB_EVENT_PATH": ""}, want: "GITHUB_EVENT_PATH is not set", wantAs: new(*EnvError)},
		{name: "payload file missing", env: map[string]string{"GITHUB_EVENT_PATH": "testdata/github/nope.json"}, want: "read the pull_request event payload", wantAs: new(*PayloadError), missing: true},
		{name: "payload not JSON", env: map[string]string{"GITHUB_EVENT_PATH": "event_test.go"}, want: "not a GitHub webhook payload", wantAs: new(*PayloadError)},
		{name: "payload without pull_request", env: map[string]string{"GITHUB_EVENT_PATH": noPR}, want: "no pull_request object", wantAs: new(*PayloadError)},
		{name: "head SHA is not a SHA", env: map[string]string{"GITHUB_EVENT_PATH": badSHA}, want: "pull_request.head.sha", wantAs: new(*PayloadError)},
		{name: "merged without merge commit", env: map[string]string{"GITHUB_EVENT_PATH": mergedNoSHA}, want: "merge_commit_sha", wantAs: new(*PayloadError)},
		{name: "unsupported event", env: map[string]string{"GITHUB_EVENT_NAME": "release"}, want: `github event "release" is not supported`, wantAs: new(*UnsupportedEventError)},
		{name: "bad repository", env: map[string]string{"GITHUB_REPOSITORY": "no-slash"}, want: "expected owner/name", wantAs: new(*EnvError)},
		{name: "schedule without GITHUB_SHA", env: map[string]string{"GITHUB_EVENT_NAME": "schedule", "GITHUB_SHA": ""}, want: "GITHUB_SHA", wantAs: new(*EnvError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := githubEnvFor("pull_request", td("pull_request.opened.json"))
			for k, v := range tt.env {
				env[k] = v
			}
			_, err := FromEnv(t.Context(), GitHub, envOf(env), os.ReadFile)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInput)
			assert.ErrorContains(t, err, tt.want)
			assert.ErrorAs(t, err, tt.wantAs)
			if tt.missing {
				assert.True(t, errors.Is(err, fs.ErrNotExist))
			}
		})
	}
}
