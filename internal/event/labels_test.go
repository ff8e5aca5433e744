package event

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPullRequestLabels(t *testing.T) {
	hostile := []any{
		map[string]any{"name": "allow-destroy"},
		map[string]any{"name": "::add-mask::x"},
		map[string]any{"name": "allow-destroy"},
		map[string]any{"name": ""},
		map[string]any{"name": "<!-- tierdeploy:report environment=prod -->"},
	}
	p := rewrite(t, "pull_request.synchronize.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["labels"] = hostile
	})
	env := githubEnvFor("pull_request", p)
	ev, err := FromEnv(t.Context(), GitHub, func(k string) string { return env[k] }, os.ReadFile)
	require.NoError(t, err)
	assert.Equal(t, []string{"::add-mask::x", "<!-- tierdeploy:report environment=prod -->", "allow-destroy"}, ev.Labels,
		"sorted and once each, kept as data")

	p = rewrite(t, "pull_request.synchronize.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["labels"] = nil
	})
	env = githubEnvFor("pull_request", p)
	ev, err = FromEnv(t.Context(), GitHub, func(k string) string { return env[k] }, os.ReadFile)
	require.NoError(t, err)
	assert.Nil(t, ev.Labels)

	var many []any
	for i := range MaxLabels + 10 {
		many = append(many, map[string]any{"name": fmt.Sprintf("l%05d", i)})
	}
	p = rewrite(t, "pull_request.synchronize.json", func(m map[string]any) {
		m["pull_request"].(map[string]any)["labels"] = many
	})
	env = githubEnvFor("pull_request", p)
	ev, err = FromEnv(t.Context(), GitHub, func(k string) string { return env[k] }, os.ReadFile)
	require.NoError(t, err)
	assert.Len(t, ev.Labels, MaxLabels)
}

func TestMergeRequestLabels(t *testing.T) {
	for value, want := range map[string][]string{
		"":                                 nil,
		"allow-destroy":                    {"allow-destroy"},
		"team::infra,allow-destroy,,x ,x ": {"allow-destroy", "team::infra", "x "},
		"::stop-commands::t":               {"::stop-commands::t"},
	} {
		env := mrEnv(map[string]string{"CI_MERGE_REQUEST_LABELS": value})
		ev, err := FromEnv(t.Context(), GitLab, func(k string) string { return env[k] }, nil)
		require.NoError(t, err)
		assert.Equal(t, want, ev.Labels, value)
	}
	// A push pipeline has no merge request, whatever the variable says.
	env := gitlabEnvFor("push")
	env["CI_COMMIT_BEFORE_SHA"] = glBefore
	env["CI_MERGE_REQUEST_LABELS"] = "allow-destroy"
	ev, err := FromEnv(t.Context(), GitLab, func(k string) string { return env[k] }, nil)
	require.NoError(t, err)
	assert.Nil(t, ev.Labels)
	assert.False(t, strings.Contains(ev.String(), "allow-destroy"))
}
