package app

import (
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// TestForkCodeWithSecretsRefused runs plan and drift under
// pull_request_target for a fork's pull request: exit 3, one sentence on
// what to do instead, and no stage is built.
func TestForkCodeWithSecretsRefused(t *testing.T) {
	r := newRepo(t)
	head := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	base := strings.TrimSpace(r.Git("rev-parse", "main"))
	payload, err := json.Marshal(map[string]any{
		"action": "opened", "number": 7,
		"pull_request": map[string]any{"number": 7,
			"base": map[string]any{"ref": "main", "sha": base, "repo": map[string]any{"id": 1, "full_name": "acme/infra"}},
			"head": map[string]any{"ref": "x", "sha": head, "repo": map[string]any{"id": 2, "full_name": "mallory/infra"}}},
	})
	require.NoError(t, err)
	env := map[string]string{
		"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_EVENT_PATH": "/event.json",
		"GITHUB_REPOSITORY": "acme/infra", "GITHUB_SHA": base, "GITHUB_TOKEN": "ghs_secret",
	}
	for _, args := range [][]string{{"plan"}, {"drift", "--no-issues"}} {
		var stages atomic.Int32
		code, stderr := runWith(t, env, payload, fakeStore{getErr: inventory.ErrNotFound}, &stages, append([]string{"--chdir", r.Dir}, args...)...)
		assert.Equal(t, ExitInput, code, args)
		assert.Contains(t, stderr, "refusing to run a fork's Terraform and charts under pull_request_target", args)
		assert.Zero(t, stages.Load(), "%v: no stage ran", args)
	}
}
