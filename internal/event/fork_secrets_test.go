package event

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestForkWithSecretsIsRefused checks the events that would run a fork's
// Terraform and charts where the job holds the base repository's secrets:
// GitHub's pull_request_target for a fork's pull request, and a GitLab
// merge request pipeline run in the target project for a fork's merge
// request. CheckFork refuses them as bad input, saying what to do instead;
// it lets through the same change where the job has no secrets.
func TestForkWithSecretsIsRefused(t *testing.T) {
	forkPR := rewrite(t, "pull_request.opened.json", func(m map[string]any) {
		repo := m["pull_request"].(map[string]any)["head"].(map[string]any)["repo"].(map[string]any)
		repo["id"] = float64(99)
		repo["full_name"] = "mallory/Hello-World"
	})
	samePR := filepath.Join("testdata", "github", "pull_request.opened.json")
	github := func(name, path string) func() (Event, error) {
		return func() (Event, error) {
			return FromEnv(t.Context(), GitHub, envOf(githubEnvFor(name, path)), os.ReadFile)
		}
	}
	gitlab := func(extra map[string]string) func() (Event, error) {
		return func() (Event, error) { return FromEnv(t.Context(), GitLab, envOf(mrEnv(extra)), os.ReadFile) }
	}
	tests := []struct {
		name    string
		event   func() (Event, error)
		refused string // a part of the advice; empty: allowed
	}{
		{"pull_request_target from a fork", github("pull_request_target", forkPR), "on the pull_request event"},
		{"pull_request from a fork", github("pull_request", forkPR), ""},
		{"pull_request_target from the same repository", github("pull_request_target", samePR), ""},
		{"pull_request from the same repository", github("pull_request", samePR), ""},
		{
			"GitLab: a fork's merge request run in the target project",
			gitlab(map[string]string{"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "555"}),
			"run in the fork",
		},
		{
			"GitLab: a fork's merge request run in the fork",
			gitlab(map[string]string{"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "555", "CI_PROJECT_ID": "555", "CI_PROJECT_PATH": "mallory/infra"}),
			"",
		},
		{"GitLab: a merge request from a branch", gitlab(nil), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.event()
			require.NoError(t, err)
			err = e.CheckFork()
			if tt.refused == "" {
				assert.NoError(t, err)
				assert.False(t, e.ForkWithSecrets)
				return
			}
			assert.True(t, e.ForkWithSecrets)
			var fe *ForkError
			require.ErrorAs(t, err, &fe)
			assert.ErrorIs(t, err, ErrInput, "bad input: exit 3")
			assert.Contains(t, err.Error(), "refusing to run a fork's Terraform and charts")
			assert.Contains(t, err.Error(), tt.refused)
		})
	}
}
