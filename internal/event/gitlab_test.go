package event

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	glHead   = "1ecfd275763eff1d6b4844ea3168962458c9f27a"
	glBefore = "0b4bc9a49b562e85de7cc9e834518ea6828729b9"
	glBase   = "e2e7e8e8b5c4a3f2d1c0b9a8f7e6d5c4b3a29180"
	glSource = "a91957a858320c0e17f3a0eca7cfacbff50ea29a"
)

// gitlabEnvFor returns the predefined variables of a GitLab CI job started
// by source, as GitLab documents them.
func gitlabEnvFor(source string) map[string]string {
	return map[string]string{
		"GITLAB_CI":          "true",
		"CI_PIPELINE_SOURCE": source,
		"CI_PROJECT_ID":      "278964",
		"CI_PROJECT_PATH":    "acme/platform/infra",
		"CI_COMMIT_SHA":      glHead,
		"CI_COMMIT_REF_NAME": "main",
		"CI_COMMIT_BRANCH":   "main",
		"CI_DEFAULT_BRANCH":  "main",
		"CI_JOB_URL":         "https://gitlab.example.com/acme/platform/infra/-/jobs/4242",
		"CI_PIPELINE_URL":    "https://gitlab.example.com/acme/platform/infra/-/pipelines/99",
		"CI_SERVER_URL":      "https://gitlab.example.com",
		"CI_API_V4_URL":      "https://gitlab.example.com/api/v4",
		"GITLAB_USER_LOGIN":  "jdoe",
	}
}

// mrEnv adds the merge request variables of a merge_request_event pipeline.
func mrEnv(extra map[string]string) map[string]string {
	env := gitlabEnvFor("merge_request_event")
	delete(env, "CI_COMMIT_BRANCH") // not set in merge request pipelines
	env["CI_COMMIT_REF_NAME"] = "feature/db"
	for k, v := range map[string]string{
		"CI_MERGE_REQUEST_IID":                "17",
		"CI_MERGE_REQUEST_PROJECT_ID":         "278964",
		"CI_MERGE_REQUEST_PROJECT_PATH":       "acme/platform/infra",
		"CI_MERGE_REQUEST_SOURCE_PROJECT_ID":  "278964",
		"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature/db",
		"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
		"CI_MERGE_REQUEST_DIFF_BASE_SHA":      glBase,
		"CI_COMMIT_BEFORE_SHA":                "0000000000000000000000000000000000000000",
	} {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func TestFromEnvGitLab(t *testing.T) {
	common := Event{
		Platform: GitLab, Repository: "acme/platform/infra", ProjectID: "278964",
		HeadSHA: glHead, HeadRef: "main", Ref: "refs/heads/main", DefaultBranch: "main",
		RunURL:    "https://gitlab.example.com/acme/platform/infra/-/jobs/4242",
		ServerURL: "https://gitlab.example.com", APIURL: "https://gitlab.example.com/api/v4", Actor: "jdoe",
	}
	with := func(f func(*Event)) Event { e := common; f(&e); return e }
	mr := with(func(e *Event) {
		e.Kind, e.Name, e.Number = KindPullRequest, "merge_request_event", 17
		e.BaseSHA, e.BaseRef, e.HeadRef, e.Ref = glBase, "main", "feature/db", ""
	})

	tests := []struct {
		name string
		env  map[string]string
		want Event
	}{
		{
			name: "merge request",
			env:  mrEnv(nil),
			want: mr,
		},
		{
			name: "merge request from a fork",
			env:  mrEnv(map[string]string{"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "555", "CI_PROJECT_ID": "555", "CI_PROJECT_PATH": "mallory/infra"}),
			want: func() Event { e := mr; e.Fork = true; return e }(),
		},
		{
			name: "merged results pipeline",
			env: mrEnv(map[string]string{
				"CI_COMMIT_SHA":                      "ffffffffffffffffffffffffffffffffffffffff",
				"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": glSource,
				"CI_MERGE_REQUEST_TARGET_BRANCH_SHA": glBefore,
			}),
			want: func() Event { e := mr; e.HeadSHA = glSource; return e }(),
		},
		{
			name: "merge request without a diff base",
			env:  mrEnv(map[string]string{"CI_MERGE_REQUEST_DIFF_BASE_SHA": ""}),
			want: func() Event { e := mr; e.BaseSHA = ""; return e }(),
		},
		{
			name: "push",
			env:  func() map[string]string { m := gitlabEnvFor("push"); m["CI_COMMIT_BEFORE_SHA"] = glBefore; return m }(),
			want: with(func(e *Event) { e.Kind, e.Name, e.BaseSHA = KindPush, "push", glBefore }),
		},
		{
			name: "push of a new branch",
			env: func() map[string]string {
				m := gitlabEnvFor("push")
				m["CI_COMMIT_BEFORE_SHA"] = "0000000000000000000000000000000000000000"
				return m
			}(),
			want: with(func(e *Event) { e.Kind, e.Name, e.NewBranch = KindPush, "push", true }),
		},
		{
			name: "push of a tag",
			env: func() map[string]string {
				m := gitlabEnvFor("push")
				delete(m, "CI_COMMIT_BRANCH")
				m["CI_COMMIT_TAG"], m["CI_COMMIT_REF_NAME"] = "v1.2.0", "v1.2.0"
				m["CI_COMMIT_BEFORE_SHA"] = "0000000000000000000000000000000000000000"
				return m
			}(),
			want: with(func(e *Event) {
				e.Kind, e.Name, e.NewBranch, e.HeadRef, e.Ref = KindPush, "push", true, "v1.2.0", "refs/tags/v1.2.0"
			}),
		},
		{
			name: "schedule",
			env:  gitlabEnvFor("schedule"),
			want: with(func(e *Event) { e.Kind, e.Name = KindSchedule, "schedule" }),
		},
		{
			name: "run pipeline button",
			env:  gitlabEnvFor("web"),
			want: with(func(e *Event) { e.Kind, e.Name = KindManual, "web" }),
		},
		{
			name: "API",
			env:  gitlabEnvFor("api"),
			want: with(func(e *Event) { e.Kind, e.Name = KindManual, "api" }),
		},
		{
			name: "trigger token",
			env:  gitlabEnvFor("trigger"),
			want: with(func(e *Event) { e.Kind, e.Name = KindManual, "trigger" }),
		},
		{
			name: "no CI_API_V4_URL: derived from the server",
			env:  func() map[string]string { m := gitlabEnvFor("web"); delete(m, "CI_API_V4_URL"); return m }(),
			want: with(func(e *Event) { e.Kind, e.Name = KindManual, "web" }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := FromEnv(t.Context(), GitLab, envOf(tt.env), nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, e)
		})
	}
}

func TestFromEnvGitLabErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"no pipeline source", map[string]string{"CI_PIPELINE_SOURCE": ""}, "CI_PIPELINE_SOURCE is not set"},
		{"unsupported source", map[string]string{"CI_PIPELINE_SOURCE": "external_pull_request_event"}, `gitlab event "external_pull_request_event" is not supported`},
		{"no MR IID", map[string]string{"CI_MERGE_REQUEST_IID": ""}, "CI_MERGE_REQUEST_IID is not set"},
		{"MR IID not a number", map[string]string{"CI_MERGE_REQUEST_IID": "!17"}, `CI_MERGE_REQUEST_IID="!17" is not valid`},
		{"bad diff base", map[string]string{"CI_MERGE_REQUEST_DIFF_BASE_SHA": "HEAD~1"}, "CI_MERGE_REQUEST_DIFF_BASE_SHA"},
		{"bad source SHA", map[string]string{"CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "main"}, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"},
		{"no commit", map[string]string{"CI_COMMIT_SHA": ""}, "CI_COMMIT_SHA"},
		{"no project", map[string]string{"CI_PROJECT_ID": "", "CI_MERGE_REQUEST_PROJECT_ID": ""}, "CI_PROJECT_ID is not set"},
		{"project not numeric", map[string]string{"CI_MERGE_REQUEST_PROJECT_ID": "acme/infra"}, "expected a positive number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := mrEnv(tt.env)
			_, err := FromEnv(t.Context(), GitLab, envOf(env), nil)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInput)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	t.Run("bad before SHA on push", func(t *testing.T) {
		env := gitlabEnvFor("push")
		env["CI_COMMIT_BEFORE_SHA"] = "nope"
		_, err := FromEnv(t.Context(), GitLab, envOf(env), nil)
		assert.ErrorContains(t, err, "CI_COMMIT_BEFORE_SHA")
	})
}
