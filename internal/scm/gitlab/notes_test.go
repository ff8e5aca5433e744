package gitlab

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

// TestUpsertCommentRuns runs the report three times against a merge request,
// as CI does, and counts the API calls of each run.
func TestUpsertCommentRuns(t *testing.T) {
	marker := scm.ReportMarker("prod")
	tests := []struct {
		name   string
		others int
		pages  int
	}{
		{"quiet merge request", 0, 1},
		{"marker note on page 3", 230, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			p := newTestProject(t, reg)
			fake := newFakeNotes(tt.others)

			// First run: created.
			reg.Register(http.MethodGet, notesPath, fake.list).Query("per_page", "100").Query("sort", "asc").Query("order_by", "created_at").Times(tt.pages)
			reg.Register(http.MethodPost, notesPath, fake.create)
			res, err := p.UpsertComment(t.Context(), 17, marker, "## Plan\n1 to add")
			require.NoError(t, err)
			assert.Equal(t, scm.Created, res.Outcome)
			assert.Equal(t, fmt.Sprintf("https://gitlab.example.com/acme/infra/-/merge_requests/17#note_%d", res.ID), res.URL)
			assert.Equal(t, map[string]int{"GET " + notesPath: tt.pages, "POST " + notesPath: 1}, reg.Counts())
			post := reg.Calls()[tt.pages]
			assert.JSONEq(t, fmt.Sprintf(`{"body":%q}`, marker+"\n## Plan\n1 to add"), string(post.Body))
			assert.Equal(t, "glpat-test", post.Header.Get("Private-Token"))
			reg.Verify()

			// Re-run, same report: reads only (and, once, who the token is).
			for i := range 15 {
				fake.addBy(jdoe, fmt.Sprintf("later note %d", i))
			}
			reg.Register(http.MethodGet, notesPath, fake.list).Times(tt.pages)
			currentUser(reg)
			res, err = p.UpsertComment(t.Context(), 17, marker, "## Plan\n1 to add\n")
			require.NoError(t, err)
			assert.Equal(t, scm.Unchanged, res.Outcome)
			assert.Equal(t, 0, reg.Writes(), reg.Summary())
			reg.Verify()

			// Re-run, changed report: one PUT, in place.
			putPath := fmt.Sprintf("%s/%d", notesPath, res.ID)
			reg.Register(http.MethodGet, notesPath, fake.list).Times(tt.pages)
			reg.Register(http.MethodPut, putPath, fake.update(res.ID))
			res2, err := p.UpsertComment(t.Context(), 17, marker, "## Plan\n2 to add")
			require.NoError(t, err)
			assert.Equal(t, scm.Updated, res2.Outcome)
			assert.Equal(t, res.ID, res2.ID)
			assert.Equal(t, map[string]int{"GET " + notesPath: tt.pages, "PUT " + putPath: 1}, reg.Counts())
			reg.Verify()

			reg.Register(http.MethodGet, notesPath, fake.list).Times(tt.pages)
			c, found, err := p.FindComment(t.Context(), 17, marker)
			require.NoError(t, err)
			require.True(t, found)
			assert.Equal(t, marker+"\n## Plan\n2 to add", c.Body)
		})
	}
}

func TestUpsertCommentIgnoresSystemNotes(t *testing.T) {
	marker := scm.ReportMarker("prod")
	reg := scmtest.New(t)
	p := newTestProject(t, reg)
	fake := newFakeNotes(0)
	fake.add(marker + "\nchanged the description")
	fake.notes[0].System = true
	reg.Register(http.MethodGet, notesPath, fake.list)
	reg.Register(http.MethodPost, notesPath, fake.create)
	res, err := p.UpsertComment(t.Context(), 17, marker, "x")
	require.NoError(t, err)
	assert.Equal(t, scm.Created, res.Outcome)
}

func TestUpsertCommentTooLarge(t *testing.T) {
	marker := scm.ReportMarker("prod")
	t.Run("over the limit: never sent", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		_, err := p.UpsertComment(t.Context(), 17, marker, strings.Repeat("x", scm.GitLabBodyLimit))
		var tl *scm.TooLargeError
		require.ErrorAs(t, err, &tl)
		assert.Equal(t, scm.GitLabBodyLimit, tl.Limit)
		assert.Empty(t, reg.Calls())
	})
	t.Run("server says too long", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		reg.Register(http.MethodGet, notesPath, newFakeNotes(0).list)
		reg.Register(http.MethodPost, notesPath, scmtest.JSON(http.StatusBadRequest, tooLongBody))
		_, err := p.UpsertComment(t.Context(), 17, marker, "small")
		var tl *scm.TooLargeError
		require.ErrorAs(t, err, &tl)
	})
}

func TestUpsertCommentErrors(t *testing.T) {
	marker := scm.ReportMarker("prod")
	empty := newFakeNotes(0)
	tests := []struct {
		name   string
		stub   func(reg *scmtest.Registry)
		check  func(t *testing.T, err error)
		counts map[string]int
	}{
		{
			name: "403 names the scope and role",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, notesPath, empty.list)
				reg.Register(http.MethodPost, notesPath, scmtest.JSON(http.StatusForbidden, forbiddenBody))
			},
			check: func(t *testing.T, err error) {
				var pe *scm.PermissionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "the api scope and at least the Reporter role", pe.Need)
				assert.Contains(t, err.Error(), "CI_JOB_TOKEN cannot write notes")
			},
			counts: map[string]int{"GET " + notesPath: 1, "POST " + notesPath: 1},
		},
		{
			name: "403 insufficient scope",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, notesPath, scmtest.JSON(http.StatusForbidden, scopeBody))
			},
			check: func(t *testing.T, err error) {
				var pe *scm.PermissionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "the api scope", pe.Need)
			},
			counts: map[string]int{"GET " + notesPath: 1},
		},
		{
			name: "401",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, notesPath, scmtest.JSON(http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"}))
			},
			check: func(t *testing.T, err error) {
				var pe *scm.PermissionError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, 401, pe.Status)
				assert.Contains(t, err.Error(), "not expired and not revoked")
			},
			counts: map[string]int{"GET " + notesPath: 1},
		},
		{
			name: "404",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, notesPath, scmtest.JSON(http.StatusNotFound, map[string]string{"message": "404 Merge Request Not Found"}))
			},
			check: func(t *testing.T, err error) {
				var nf *scm.NotFoundError
				require.ErrorAs(t, err, &nf)
			},
			counts: map[string]int{"GET " + notesPath: 1},
		},
		{
			name: "5xx on every attempt",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, notesPath, scmtest.JSON(http.StatusServiceUnavailable, map[string]string{"message": "503"})).Times(4)
			},
			check: func(t *testing.T, err error) {
				var se *scm.ServerError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, 503, se.Status)
			},
			counts: map[string]int{"GET " + notesPath: 4},
		},
		{
			name: "429 asking for an hour: no wait, no retry",
			stub: func(reg *scmtest.Registry) {
				reg.Register(http.MethodGet, notesPath, scmtest.JSON(http.StatusTooManyRequests,
					map[string]string{"message": "Retry later"}, "Retry-After", "3600", "RateLimit-Remaining", "0"))
			},
			check: func(t *testing.T, err error) {
				var rl *scm.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, time.Hour, rl.RetryAfter)
			},
			counts: map[string]int{"GET " + notesPath: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			p := newTestProject(t, reg)
			tt.stub(reg)
			_, err := p.UpsertComment(t.Context(), 17, marker, "body")
			require.Error(t, err)
			tt.check(t, err)
			assert.Equal(t, tt.counts, reg.Counts())
		})
	}
}

func TestRetries(t *testing.T) {
	marker := scm.ReportMarker("prod")
	t.Run("5xx then success", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		reg.Register(http.MethodGet, notesPath, scmtest.Sequence(
			scmtest.JSON(http.StatusBadGateway, map[string]string{"message": "502"}),
			scmtest.JSON(http.StatusInternalServerError, map[string]string{"message": "500"}),
			newFakeNotes(0).list,
		)).Times(3)
		_, found, err := p.FindComment(t.Context(), 17, marker)
		require.NoError(t, err)
		assert.False(t, found)
	})
	t.Run("429 with Retry-After is honoured", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		reg.Register(http.MethodGet, notesPath, scmtest.Sequence(
			scmtest.JSON(http.StatusTooManyRequests, map[string]string{"message": "Retry later"}, "Retry-After", "1"),
			newFakeNotes(0).list,
		)).Times(2)
		start := time.Now()
		_, _, err := p.FindComment(t.Context(), 17, marker)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
	})
	t.Run("a create is retried after 503 with its body", func(t *testing.T) {
		reg := scmtest.New(t)
		p := newTestProject(t, reg)
		fake := newFakeNotes(0)
		reg.Register(http.MethodGet, notesPath, fake.list)
		reg.Register(http.MethodPost, notesPath, scmtest.Sequence(
			scmtest.JSON(http.StatusServiceUnavailable, map[string]string{"message": "503"}),
			fake.create,
		)).Times(2)
		res, err := p.UpsertComment(t.Context(), 17, marker, "plan")
		require.NoError(t, err)
		assert.Equal(t, scm.Created, res.Outcome)
		calls := reg.Calls()
		assert.Equal(t, string(calls[1].Body), string(calls[2].Body))
	})
}

func TestBackoffAndCheck(t *testing.T) {
	p := newRetryPolicy(scm.Retry{Max: 3, Base: 10 * time.Millisecond, MaxWait: time.Minute})
	h := http.Header{}
	h.Set("Retry-After", "5")
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: h}
	assert.Equal(t, 5*time.Second, p.backoff(0, 0, 0, resp))
	retry, err := p.check(t.Context(), resp, nil)
	require.NoError(t, err)
	assert.True(t, retry)

	h.Set("Retry-After", "600")
	assert.Equal(t, time.Minute, p.backoff(0, 0, 0, resp), "capped")
	retry, _ = p.check(t.Context(), resp, nil)
	assert.False(t, retry, "too long a wait: give up at once")

	retry, _ = p.check(t.Context(), &http.Response{StatusCode: http.StatusNotImplemented, Header: http.Header{}}, nil)
	assert.False(t, retry)
	retry, _ = p.check(t.Context(), &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{}}, nil)
	assert.False(t, retry)
	d := p.backoff(0, 0, 2, &http.Response{StatusCode: 502, Header: http.Header{}})
	assert.GreaterOrEqual(t, d, 40*time.Millisecond)
}
