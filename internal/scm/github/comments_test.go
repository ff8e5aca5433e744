package github

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

// TestUpsertCommentRuns runs the report three times against a pull request,
// as CI does, and counts the API calls of each run.
func TestUpsertCommentRuns(t *testing.T) {
	marker := scm.ReportMarker("prod")
	tests := []struct {
		name   string
		others int // comments by others before the first run
		pages  int // pages to read to find (or miss) the marker comment
	}{
		{"quiet pull request", 0, 1},
		{"marker comment on page 3", 230, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			repo, _ := newTestRepo(t, reg)
			fake := newFakeComments(tt.others)

			// First run: no marker comment yet, so it is created.
			reg.Register(http.MethodGet, commentsPath, fake.list()).Times(tt.pages)
			reg.Register(http.MethodPost, commentsPath, fake.create)
			res, err := repo.UpsertComment(t.Context(), 12, marker, "## Plan\n1 to add")
			require.NoError(t, err)
			assert.Equal(t, scm.Created, res.Outcome)
			assert.Contains(t, res.URL, fmt.Sprintf("#issuecomment-%d", res.ID))
			assert.Equal(t, map[string]int{"GET " + commentsPath: tt.pages, "POST " + commentsPath: 1}, reg.Counts())
			post := reg.Calls()[tt.pages]
			assert.JSONEq(t, fmt.Sprintf(`{"body":%q}`, marker+"\n## Plan\n1 to add"), string(post.Body))
			assert.Equal(t, "Bearer ghs_test", post.Header.Get("Authorization"))
			reg.Verify()

			// Re-run with the same report: only the reads that find it, and
			// once the questions that tell whose it is.
			for i := range 15 {
				fake.addBy(octocat, nil, fmt.Sprintf("later comment %d", i))
			}
			reg.Register(http.MethodGet, commentsPath, fake.list()).Times(tt.pages)
			workflowToken(reg)
			res, err = repo.UpsertComment(t.Context(), 12, marker, "## Plan\n1 to add\n")
			require.NoError(t, err)
			assert.Equal(t, scm.Unchanged, res.Outcome)
			assert.Equal(t, map[string]int{"GET " + commentsPath: tt.pages, "GET /user": 1, "POST /graphql": 1}, reg.Counts())
			reg.Verify()

			// Re-run with a changed report: one PATCH, in place.
			reg.Register(http.MethodGet, commentsPath, fake.list()).Times(tt.pages)
			editPath := fmt.Sprintf("/repos/acme/infra/issues/comments/%d", res.ID)
			reg.Register(http.MethodPatch, editPath, fake.edit(res.ID))
			res2, err := repo.UpsertComment(t.Context(), 12, marker, "## Plan\n2 to add")
			require.NoError(t, err)
			assert.Equal(t, scm.Updated, res2.Outcome)
			assert.Equal(t, res.ID, res2.ID)
			assert.Equal(t, map[string]int{"GET " + commentsPath: tt.pages, "PATCH " + editPath: 1}, reg.Counts())
			reg.Verify()

			c, found, err := func() (scm.Comment, bool, error) {
				reg.Register(http.MethodGet, commentsPath, fake.list()).Times(tt.pages)
				return repo.FindComment(t.Context(), 12, marker)
			}()
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, marker+"\n## Plan\n2 to add", c.Body)
		})
	}
}

func TestUpsertCommentPaginationParameters(t *testing.T) {
	reg := scmtest.New(t)
	repo, _ := newTestRepo(t, reg)
	fake := newFakeComments(150)
	reg.Register(http.MethodGet, commentsPath, fake.list()).Query("per_page", "100").Times(2)
	reg.Register(http.MethodPost, commentsPath, fake.create)
	_, err := repo.UpsertComment(t.Context(), 12, scm.ReportMarker("dev"), "x")
	require.NoError(t, err)
	calls := reg.Calls()
	assert.Empty(t, calls[0].Query.Get("page"))
	assert.Equal(t, "2", calls[1].Query.Get("page"), "the second page comes from the Link header")
}

func TestUpsertCommentTooLarge(t *testing.T) {
	marker := scm.ReportMarker("prod")
	t.Run("over the limit: never sent", func(t *testing.T) {
		reg := scmtest.New(t)
		repo, _ := newTestRepo(t, reg)
		_, err := repo.UpsertComment(t.Context(), 12, marker, strings.Repeat("x", scm.GitHubBodyLimit))
		var tl *scm.TooLargeError
		require.ErrorAs(t, err, &tl)
		assert.Equal(t, scm.GitHubBodyLimit+len(marker)+1, tl.Size)
		assert.Empty(t, reg.Calls(), "nothing is sent, not even the list")
	})
	t.Run("server says 422 too long", func(t *testing.T) {
		reg := scmtest.New(t)
		repo, _ := newTestRepo(t, reg)
		fake := newFakeComments(0)
		reg.Register(http.MethodGet, commentsPath, fake.list())
		reg.Register(http.MethodPost, commentsPath, fake.create)
		// 40,000 emoji are 40,000 characters but 80,000 UTF-16 units.
		_, err := repo.UpsertComment(t.Context(), 12, marker, strings.Repeat("🚀", 40000))
		var tl *scm.TooLargeError
		require.ErrorAs(t, err, &tl)
		assert.Equal(t, scm.GitHubBodyLimit, tl.Limit)
	})
}

func TestUpsertCommentErrors(t *testing.T) {
	marker := scm.ReportMarker("prod")
	tests := []struct {
		name   string
		stub   func(reg *scmtest.Registry)
		check  func(t *testing.T, err error)
		counts map[string]int
	}{
		{
			name: "403 on create names the permission, no retry",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusOK, []comment{}))
				reg.Register(http.MethodPost, commentsPath, scmtest.JSON(http.StatusForbidden, forbiddenBody))
			},
			check: func(t *testing.T, err error) {
				var pe *scm.PermissionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, 403, pe.Status)
				assert.Equal(t, "pull-requests: write", pe.Need)
				assert.Contains(t, err.Error(), "Resource not accessible by integration")
				assert.Contains(t, err.Error(), "permissions: block")
			},
			counts: map[string]int{"GET " + commentsPath: 1, "POST " + commentsPath: 1},
		},
		{
			name: "401 bad credentials",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusUnauthorized,
					map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}))
			},
			check: func(t *testing.T, err error) {
				var pe *scm.PermissionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, 401, pe.Status)
				assert.Contains(t, err.Error(), "rejected the token")
			},
			counts: map[string]int{"GET " + commentsPath: 1},
		},
		{
			name: "404",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusNotFound, notFoundBody))
			},
			check: func(t *testing.T, err error) {
				var nf *scm.NotFoundError
				require.ErrorAs(t, err, &nf)
				assert.Contains(t, err.Error(), "private repository")
			},
			counts: map[string]int{"GET " + commentsPath: 1},
		},
		{
			name: "5xx on every attempt",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusBadGateway, map[string]string{"message": "Server Error"})).Times(4)
			},
			check: func(t *testing.T, err error) {
				var se *scm.ServerError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, 502, se.Status)
			},
			counts: map[string]int{"GET " + commentsPath: 4},
		},
		{
			name: "primary rate limit resetting in an hour: no wait, no retry",
			stub: func(reg *scmtest.Registry) {
				reset := fmt.Sprint(time.Now().Add(time.Hour).Unix())
				reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusForbidden, primaryBody,
					"X-RateLimit-Limit", "1000", "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset))
			},
			check: func(t *testing.T, err error) {
				var rl *scm.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.False(t, rl.Secondary)
				assert.WithinDuration(t, time.Now().Add(time.Hour), rl.Reset, 2*time.Second)
			},
			counts: map[string]int{"GET " + commentsPath: 1},
		},
		{
			name: "secondary rate limit asking for longer than the cap",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusForbidden, secondaryBody, "Retry-After", "3600"))
			},
			check: func(t *testing.T, err error) {
				var rl *scm.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.True(t, rl.Secondary)
				assert.Equal(t, time.Hour, rl.RetryAfter)
			},
			counts: map[string]int{"GET " + commentsPath: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			repo, _ := newTestRepo(t, reg)
			tt.stub(reg)
			_, err := repo.UpsertComment(t.Context(), 12, marker, "body")
			require.Error(t, err)
			tt.check(t, err)
			assert.Equal(t, tt.counts, reg.Counts())
		})
	}
}
