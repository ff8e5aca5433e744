package github

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

// file is a pull request file as GitHub's REST API returns it.
type file struct {
	Filename         string `json:"filename"`
	Status           string `json:"status"`
	PreviousFilename string `json:"previous_filename,omitempty"`
}

func TestChangedFiles(t *testing.T) {
	const path = "/repos/acme/infra/pulls/12/files"
	t.Run("all pages, every status", func(t *testing.T) {
		reg := scmtest.New(t)
		repo, _ := newTestRepo(t, reg)
		files := []file{
			{Filename: "terraform/main.tf", Status: "modified"},
			{Filename: "charts/meltano/values.yaml", Status: "added"},
			{Filename: "old.tf", Status: "removed"},
			{Filename: "deploy/new.yaml", Status: "renamed", PreviousFilename: "deploy/old.yaml"},
			{Filename: "copy.tf", Status: "copied", PreviousFilename: "orig.tf"},
			{Filename: "mode.sh", Status: "changed"},
		}
		for i := range 244 {
			files = append(files, file{Filename: fmt.Sprintf("docs/%03d.md", i), Status: "modified"})
		}
		reg.Register(http.MethodGet, path, scmtest.GitHubPages(&files)).Query("per_page", "100").Times(3)
		got, err := repo.ChangedFiles(t.Context(), 12)
		require.NoError(t, err)
		require.Len(t, got, 250)
		assert.Equal(t, []changes.Change{
			{Status: changes.Modified, Path: "terraform/main.tf"},
			{Status: changes.Added, Path: "charts/meltano/values.yaml"},
			{Status: changes.Deleted, Path: "old.tf"},
			{Status: changes.Renamed, Path: "deploy/new.yaml", OldPath: "deploy/old.yaml"},
			{Status: changes.Copied, Path: "copy.tf", OldPath: "orig.tf"},
			{Status: changes.Modified, Path: "mode.sh"},
		}, got[:6])
	})
	t.Run("3,000 files: incomplete", func(t *testing.T) {
		reg := scmtest.New(t)
		repo, _ := newTestRepo(t, reg)
		files := make([]file, 3000)
		for i := range files {
			files[i] = file{Filename: fmt.Sprintf("f%04d", i), Status: "added"}
		}
		reg.Register(http.MethodGet, path, scmtest.GitHubPages(&files)).Times(30)
		got, err := repo.ChangedFiles(t.Context(), 12)
		var inc *scm.IncompleteError
		require.ErrorAs(t, err, &inc)
		assert.Len(t, got, 3000, "the partial list comes with the error")
	})
	t.Run("403 names the permission", func(t *testing.T) {
		reg := scmtest.New(t)
		repo, _ := newTestRepo(t, reg)
		reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusForbidden, forbiddenBody))
		_, err := repo.ChangedFiles(t.Context(), 12)
		var pe *scm.PermissionError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "pull-requests: read", pe.Need)
	})
}

func TestCompareFiles(t *testing.T) {
	const base, head = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	path := "/repos/acme/infra/compare/" + base + "..." + head
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusOK, map[string]any{
		"status": "ahead", "ahead_by": 2, "total_commits": 2,
		"files": []file{{Filename: "terraform/main.tf", Status: "modified"}, {Filename: "x.tf", Status: "added"}},
	}))
	got, err := repo.CompareFiles(t.Context(), base, head)
	require.NoError(t, err)
	assert.Equal(t, []string{"terraform/main.tf", "x.tf"}, changes.Paths(got))

	many := make([]file, 300)
	for i := range many {
		many[i] = file{Filename: fmt.Sprintf("f%03d", i), Status: "modified"}
	}
	reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusOK, map[string]any{"files": many}))
	got, err = repo.CompareFiles(t.Context(), base, head)
	var inc *scm.IncompleteError
	require.ErrorAs(t, err, &inc)
	assert.Equal(t, 300, inc.Limit)
	assert.Len(t, got, 300)

	reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusNotFound, notFoundBody))
	_, err = repo.CompareFiles(t.Context(), base, head)
	var nf *scm.NotFoundError
	assert.ErrorAs(t, err, &nf)
}

func TestMergedChange(t *testing.T) {
	const sha = "3333333333333333333333333333333333333333"
	path := "/repos/acme/infra/commits/" + sha + "/pulls"
	type pull struct {
		Number         int     `json:"number"`
		State          string  `json:"state"`
		MergedAt       *string `json:"merged_at"`
		MergeCommitSHA string  `json:"merge_commit_sha"`
	}
	merged := "2026-03-01T10:00:00Z"
	tests := []struct {
		name  string
		pulls []pull
		want  int
		found bool
	}{
		{"merged as the commit", []pull{
			{Number: 3, State: "open"},
			{Number: 5, State: "closed", MergedAt: &merged, MergeCommitSHA: "4444444444444444444444444444444444444444"},
			{Number: 7, State: "closed", MergedAt: &merged, MergeCommitSHA: sha},
		}, 7, true},
		{"contains the commit", []pull{{Number: 5, State: "closed", MergedAt: &merged, MergeCommitSHA: "4444444444444444444444444444444444444444"}}, 5, true},
		{"direct push", []pull{{Number: 3, State: "open"}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			repo, _ := newTestRepo(t, reg)
			reg.Register(http.MethodGet, path, scmtest.GitHubPages(&tt.pulls))
			n, found, err := repo.MergedChange(t.Context(), sha)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
			assert.Equal(t, tt.found, found)
		})
	}
}

func TestMergedLabels(t *testing.T) {
	const sha = "3333333333333333333333333333333333333333"
	path := "/repos/acme/infra/commits/" + sha + "/pulls"
	merged := "2026-03-01T10:00:00Z"
	type label struct {
		Name string `json:"name"`
	}
	type pull struct {
		Number         int     `json:"number"`
		MergedAt       *string `json:"merged_at"`
		MergeCommitSHA string  `json:"merge_commit_sha"`
		Labels         []label `json:"labels"`
	}
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	pulls := []pull{
		{Number: 3, Labels: []label{{"open-one"}}},
		{Number: 5, MergedAt: &merged, MergeCommitSHA: "4444444444444444444444444444444444444444", Labels: []label{{"other"}}},
		{Number: 7, MergedAt: &merged, MergeCommitSHA: sha, Labels: []label{{"allow-destroy"}, {"::warning::x"}, {""}, {"allow-destroy"}}},
	}
	reg.Register(http.MethodGet, path, scmtest.GitHubPages(&pulls))
	labels, found, err := repo.MergedLabels(t.Context(), sha)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, []string{"::warning::x", "allow-destroy"}, labels, "sorted, once each, as data")

	reg = scmtest.New(t)
	repo, _ = newTestRepo(t, reg)
	none := []pull{{Number: 3}}
	reg.Register(http.MethodGet, path, scmtest.GitHubPages(&none))
	labels, found, err = repo.MergedLabels(t.Context(), sha)
	require.NoError(t, err)
	assert.False(t, found)
	assert.Empty(t, labels)

	reg = scmtest.New(t)
	repo, _ = newTestRepo(t, reg)
	reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"}))
	_, _, err = repo.MergedLabels(t.Context(), sha)
	assert.Error(t, err)
}

func TestNewAndToken(t *testing.T) {
	_, err := New(Options{Token: "t", Repository: "nope"})
	assert.ErrorContains(t, err, "not owner/name")
	_, err = New(Options{Repository: "a/b"})
	var te *scm.TokenError
	assert.ErrorAs(t, err, &te)

	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tok, err := Token(env(map[string]string{"INPUT_GITHUB-TOKEN": "from-input", "GITHUB_TOKEN": "from-env"}))
	require.NoError(t, err)
	assert.Equal(t, "from-input", tok)
	tok, err = Token(env(map[string]string{"GITHUB_TOKEN": "from-env"}))
	require.NoError(t, err)
	assert.Equal(t, "from-env", tok)
	_, err = Token(env(nil))
	assert.ErrorAs(t, err, &te)
	assert.Contains(t, err.Error(), "github-token")
}

func TestEnterpriseServerAPIURL(t *testing.T) {
	reg := scmtest.New(t)
	repo, err := New(Options{Token: "t", APIURL: reg.URL() + "/api/v3", Repository: "acme/infra", Retry: testRetry})
	require.NoError(t, err)
	reg.Register(http.MethodGet, "/api/v3"+commentsPath, scmtest.JSON(http.StatusOK, []comment{}))
	_, found, err := repo.FindComment(t.Context(), 12, "m")
	require.NoError(t, err)
	assert.False(t, found)
}
