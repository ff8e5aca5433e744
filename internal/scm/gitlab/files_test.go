package gitlab

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

// diff is a merge request diff as GitLab's REST API returns it.
type diff struct {
	OldPath     string `json:"old_path"`
	NewPath     string `json:"new_path"`
	NewFile     bool   `json:"new_file"`
	RenamedFile bool   `json:"renamed_file"`
	DeletedFile bool   `json:"deleted_file"`
	Diff        string `json:"diff"`
}

func TestChangedFiles(t *testing.T) {
	const path = "/api/v4/projects/278964/merge_requests/17/diffs"
	t.Run("all pages, every kind", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		ds := []diff{
			{OldPath: "terraform/main.tf", NewPath: "terraform/main.tf"},
			{OldPath: "charts/values.yaml", NewPath: "charts/values.yaml", NewFile: true},
			{OldPath: "old.tf", NewPath: "old.tf", DeletedFile: true},
			{OldPath: "deploy/old.yaml", NewPath: "deploy/new.yaml", RenamedFile: true},
		}
		for i := range 146 {
			ds = append(ds, diff{OldPath: fmt.Sprintf("docs/%03d.md", i), NewPath: fmt.Sprintf("docs/%03d.md", i)})
		}
		reg.Register(http.MethodGet, path, scmtest.GitLabPages(&ds)).Query("per_page", "100").Times(2)
		got, err := p.ChangedFiles(t.Context(), 17)
		require.NoError(t, err)
		require.Len(t, got, 150)
		assert.Equal(t, []changes.Change{
			{Status: changes.Modified, Path: "terraform/main.tf"},
			{Status: changes.Added, Path: "charts/values.yaml"},
			{Status: changes.Deleted, Path: "old.tf"},
			{Status: changes.Renamed, Path: "deploy/new.yaml", OldPath: "deploy/old.yaml"},
		}, got[:4])
	})
	t.Run("at the diff limit: incomplete", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		ds := make([]diff, 1000)
		for i := range ds {
			ds[i] = diff{OldPath: fmt.Sprint(i), NewPath: fmt.Sprint(i)}
		}
		reg.Register(http.MethodGet, path, scmtest.GitLabPages(&ds)).Times(10)
		got, err := p.ChangedFiles(t.Context(), 17)
		var inc *scm.IncompleteError
		require.ErrorAs(t, err, &inc)
		assert.Len(t, got, 1000)
	})
}

func TestCompareFiles(t *testing.T) {
	const path = "/api/v4/projects/278964/repository/compare"
	const base, head = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusOK, map[string]any{
		"diffs": []diff{{OldPath: "a.tf", NewPath: "a.tf"}, {OldPath: "b.tf", NewPath: "b.tf", NewFile: true}},
	})).Query("from", base).Query("to", head).Query("straight", "false")
	got, err := p.CompareFiles(t.Context(), base, head)
	require.NoError(t, err)
	assert.Equal(t, []string{"a.tf", "b.tf"}, changes.Paths(got))

	reg.Register(http.MethodGet, path, scmtest.JSON(http.StatusOK, map[string]any{"diffs": []diff{}, "compare_timeout": true}))
	_, err = p.CompareFiles(t.Context(), base, head)
	var inc *scm.IncompleteError
	assert.ErrorAs(t, err, &inc)
}

func TestMergedChange(t *testing.T) {
	const sha = "3333333333333333333333333333333333333333"
	const path = "/api/v4/projects/278964/repository/commits/" + sha + "/merge_requests"
	type mr struct {
		IID             int64  `json:"iid"`
		State           string `json:"state"`
		SHA             string `json:"sha"`
		MergeCommitSHA  string `json:"merge_commit_sha"`
		SquashCommitSHA string `json:"squash_commit_sha"`
	}
	other := "4444444444444444444444444444444444444444"
	tests := []struct {
		name  string
		mrs   []mr
		want  int
		found bool
	}{
		{"merge commit", []mr{{IID: 2, State: "opened"}, {IID: 5, State: "merged", MergeCommitSHA: sha}}, 5, true},
		{"squash commit", []mr{{IID: 6, State: "merged", MergeCommitSHA: other, SquashCommitSHA: sha}}, 6, true},
		{"fast-forward", []mr{{IID: 8, State: "merged", SHA: sha}}, 8, true},
		{"contains it", []mr{{IID: 9, State: "merged", MergeCommitSHA: other}}, 9, true},
		{"none merged", []mr{{IID: 2, State: "opened", SHA: sha}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			p := newTestProject(t, reg)
			reg.Register(http.MethodGet, path, scmtest.GitLabPages(&tt.mrs))
			n, found, err := p.MergedChange(t.Context(), sha)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
			assert.Equal(t, tt.found, found)
		})
	}
}

func TestMergedLabels(t *testing.T) {
	const sha = "3333333333333333333333333333333333333333"
	const path = "/api/v4/projects/278964/repository/commits/" + sha + "/merge_requests"
	type mr struct {
		IID            int64    `json:"iid"`
		State          string   `json:"state"`
		MergeCommitSHA string   `json:"merge_commit_sha"`
		Labels         []string `json:"labels"`
	}
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	mrs := []mr{{IID: 2, State: "opened", Labels: []string{"draft"}}, {IID: 5, State: "merged", MergeCommitSHA: sha, Labels: []string{"team::infra", "allow-destroy", "allow-destroy"}}}
	reg.Register(http.MethodGet, path, scmtest.GitLabPages(&mrs))
	labels, found, err := p.MergedLabels(t.Context(), sha)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, []string{"allow-destroy", "team::infra"}, labels)

	reg = scmtest.New(t)
	p = newTestProject(t, reg)
	open := []mr{{IID: 2, State: "opened"}}
	reg.Register(http.MethodGet, path, scmtest.GitLabPages(&open))
	labels, found, err = p.MergedLabels(t.Context(), sha)
	require.NoError(t, err)
	assert.False(t, found)
	assert.Empty(t, labels)
}

func TestProjectPathIsEscaped(t *testing.T) {
	reg := scmtest.New(t)
	p, err := New(Options{Token: "t", APIURL: reg.URL() + "/api/v4", ProjectID: "acme/platform.infra", Retry: testRetry})
	require.NoError(t, err)
	reg.Register(http.MethodGet, "/api/v4/projects/acme%2Fplatform%2Einfra/merge_requests/17/notes", newFakeNotes(0).list)
	_, found, err := p.FindComment(t.Context(), 17, "m")
	require.NoError(t, err)
	assert.False(t, found)
}

func TestNewAndToken(t *testing.T) {
	_, err := New(Options{Token: "t"})
	assert.ErrorContains(t, err, "no project ID")
	var te *scm.TokenError
	_, err = New(Options{ProjectID: "1"})
	assert.ErrorAs(t, err, &te)

	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tok, err := Token(env(map[string]string{"GITLAB_TOKEN": "glpat-x", "CI_JOB_TOKEN": "job"}))
	require.NoError(t, err)
	assert.Equal(t, "glpat-x", tok)
	for name, m := range map[string]map[string]string{
		"job token only":                  {"CI_JOB_TOKEN": "job"},
		"GITLAB_TOKEN set to the job one": {"CI_JOB_TOKEN": "job", "GITLAB_TOKEN": "job"},
		"nothing":                         nil,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Token(env(m))
			require.ErrorAs(t, err, &te)
			assert.Contains(t, err.Error(), "CI_JOB_TOKEN cannot write merge request notes")
			assert.Contains(t, err.Error(), "api scope")
		})
	}
}
