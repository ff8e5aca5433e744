package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

// fakeTofuOnPath puts a tofu on PATH that only records that it ran, and
// returns the file it creates.
func fakeTofuOnPath(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	mark := filepath.Join(t.TempDir(), "tofu-ran")
	script := "#!/bin/sh\necho \"$@\" >> '" + mark + "'\nexit 1\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "tofu"), []byte(script), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return mark
}

// TestForkCodeNeverRunsWithSecrets runs plan, apply and drift where a
// fork's change would run with the base repository's secrets (GitHub's
// pull_request_target, a GitLab pipeline of the target project for a fork's
// merge request): each exits 3 with one sentence saying what to do
// instead, and no terraform is started and no API is called.
func TestForkCodeNeverRunsWithSecrets(t *testing.T) {
	clearCI(t)
	r, base, head := exampleRepo(t)
	gh := newFakeGitHub(t)
	gl := newFakeGitLab(t)
	event := filepath.Join(t.TempDir(), "event.json")
	payload, err := json.Marshal(map[string]any{
		"action": "opened", "number": 7,
		"pull_request": map[string]any{
			"number": 7,
			"base":   map[string]any{"ref": "main", "sha": base, "repo": map[string]any{"id": 1, "full_name": "acme/infra"}},
			"head":   map[string]any{"ref": "main", "sha": head, "repo": map[string]any{"id": 666, "full_name": "mallory/infra"}},
		},
		"repository": map[string]any{"id": 1, "full_name": "acme/infra", "default_branch": "main"},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(event, payload, 0o644))

	platforms := map[string]struct {
		env    map[string]string
		advice string
	}{
		"github pull_request_target": {map[string]string{
			"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_EVENT_PATH": event,
			"GITHUB_REPOSITORY": "acme/infra", "GITHUB_API_URL": gh.srv.URL, "GITHUB_SHA": base,
			"GITHUB_TOKEN": "test-token", "RUNNER_TEMP": t.TempDir(),
		}, "plan pull requests from forks on the pull_request event"},
		"gitlab pipeline in the target project": {map[string]string{
			"GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_IID": "7",
			"CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_COMMIT_SHA": head, "CI_PROJECT_ID": "42",
			"CI_PROJECT_PATH": "acme/infra", "CI_MERGE_REQUEST_PROJECT_ID": "42", "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "666",
			"CI_API_V4_URL": gl.srv.URL + "/api/v4", "CI_SERVER_URL": gl.srv.URL, "CI_PROJECT_DIR": r.Dir,
			"GITLAB_TOKEN": "test-token",
		}, "let merge request pipelines from forks run in the fork"},
	}
	for name, p := range platforms {
		t.Run(name, func(t *testing.T) {
			clearCI(t)
			for k, v := range p.env {
				t.Setenv(k, v)
			}
			mark := fakeTofuOnPath(t)
			for _, args := range [][]string{
				{"plan"}, {"apply", "--all"}, {"drift", "--no-issues"}, {"inventory", "diff", "--environment", "staging", "--outputs"},
			} {
				code, _, stderr := runAll(t, append(args, "--chdir", r.Dir)...)
				assert.Equal(t, app.ExitInput, code, args)
				last := lastLines(stderr, 1)
				assert.True(t, strings.HasPrefix(last, "tierdeploy: refusing to run a fork's Terraform and charts") && strings.Contains(last, p.advice),
					"%v: %s", args, last)
			}
			_, err := os.Stat(mark)
			assert.ErrorIs(t, err, os.ErrNotExist, "terraform was started")
		})
	}
	assert.Zero(t, gh.count("GET")+gh.count("POST")+gh.count("PATCH"), "no GitHub API call")
	assert.Zero(t, gl.count("GET")+gl.count("POST")+gl.count("PUT"), "no GitLab API call")
}
