package github

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/scmtest"
)

func TestRetries(t *testing.T) {
	ok := scmtest.JSON(http.StatusOK, []comment{})
	tests := []struct {
		name      string
		responses []http.HandlerFunc
		waits     func(t *testing.T, waits []time.Duration)
	}{
		{
			name: "429 with Retry-After",
			responses: []http.HandlerFunc{
				scmtest.JSON(http.StatusTooManyRequests, map[string]string{"message": "Too Many Requests"}, "Retry-After", "2"),
				ok,
			},
			waits: func(t *testing.T, w []time.Duration) { assert.Equal(t, []time.Duration{2 * time.Second}, w) },
		},
		{
			name: "5xx then success, with backoff",
			responses: []http.HandlerFunc{
				scmtest.JSON(http.StatusBadGateway, map[string]string{"message": "Server Error"}),
				scmtest.JSON(http.StatusServiceUnavailable, map[string]string{"message": "Unavailable"}),
				ok,
			},
			waits: func(t *testing.T, w []time.Duration) {
				require.Len(t, w, 2)
				assert.Greater(t, w[1], w[0], "the backoff grows")
				assert.Less(t, w[1], 10*time.Millisecond)
			},
		},
		{
			name: "secondary rate limit without Retry-After waits a minute",
			responses: []http.HandlerFunc{
				scmtest.JSON(http.StatusForbidden, secondaryBody),
				ok,
			},
			waits: func(t *testing.T, w []time.Duration) {
				require.Len(t, w, 1)
				assert.GreaterOrEqual(t, w[0], time.Minute)
			},
		},
		{
			name: "secondary rate limit with Retry-After",
			responses: []http.HandlerFunc{
				scmtest.JSON(http.StatusTooManyRequests, secondaryBody, "Retry-After", "7"),
				ok,
			},
			waits: func(t *testing.T, w []time.Duration) { assert.Equal(t, []time.Duration{7 * time.Second}, w) },
		},
		{
			name: "primary rate limit resetting soon",
			responses: []http.HandlerFunc{
				func(w http.ResponseWriter, r *http.Request) {
					reset := fmt.Sprint(time.Now().Add(30 * time.Second).Unix())
					scmtest.JSON(http.StatusForbidden, primaryBody, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset)(w, r)
				},
				ok,
			},
			waits: func(t *testing.T, w []time.Duration) {
				require.Len(t, w, 1)
				assert.InDelta(t, 31*time.Second, w[0], float64(2*time.Second))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := scmtest.New(t)
			repo, waits := newTestRepo(t, reg)
			reg.Register(http.MethodGet, commentsPath, scmtest.Sequence(tt.responses...)).Times(len(tt.responses))
			_, found, err := repo.FindComment(t.Context(), 12, scm.ReportMarker("prod"))
			require.NoError(t, err)
			assert.False(t, found)
			tt.waits(t, *waits)
		})
	}
}

func TestRetryReplaysTheBody(t *testing.T) {
	reg := scmtest.New(t)
	repo, waits := newTestRepo(t, reg)
	fake := newFakeComments(0)
	reg.Register(http.MethodGet, commentsPath, fake.list())
	reg.Register(http.MethodPost, commentsPath, scmtest.Sequence(
		scmtest.JSON(http.StatusServiceUnavailable, map[string]string{"message": "Unavailable"}, "Retry-After", "1"),
		fake.create,
	)).Times(2)
	res, err := repo.UpsertComment(t.Context(), 12, scm.ReportMarker("prod"), "plan")
	require.NoError(t, err)
	assert.Equal(t, scm.Created, res.Outcome)
	calls := reg.Calls()
	require.Len(t, calls, 3)
	assert.Equal(t, string(calls[1].Body), string(calls[2].Body))
	assert.Equal(t, []time.Duration{time.Second}, *waits)
}

func TestForbiddenIsNotRetried(t *testing.T) {
	tr := newRetryTransport(nil, testRetry, 0, nil, nil)
	resp := &http.Response{StatusCode: http.StatusForbidden, Header: http.Header{}, Body: http.NoBody}
	_, again := tr.decide(resp, 0)
	assert.False(t, again)
	resp = &http.Response{StatusCode: http.StatusNotImplemented, Header: http.Header{}, Body: http.NoBody}
	_, again = tr.decide(resp, 0)
	assert.False(t, again, "501 is not transient")
	resp = &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{}, Body: http.NoBody}
	_, again = tr.decide(resp, testRetry.Max)
	assert.False(t, again, "no retry past Max")
}

func TestRetryStopsWithTheContext(t *testing.T) {
	reg := scmtest.New(t)
	ctx, cancel := context.WithCancel(t.Context())
	repo, err := New(Options{
		Sleep:      func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() },
		Token:      "t",
		APIURL:     reg.URL(),
		Repository: "acme/infra",
		Retry:      testRetry,
	})
	require.NoError(t, err)
	reg.Register(http.MethodGet, commentsPath, scmtest.JSON(http.StatusBadGateway, map[string]string{"message": "x"}))
	_, _, err = repo.FindComment(ctx, 12, "m")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTimeoutPerAttempt(t *testing.T) {
	reg := scmtest.New(t)
	repo, err := New(Options{
		Sleep:      func(context.Context, time.Duration) error { return nil },
		Token:      "t",
		APIURL:     reg.URL(),
		Repository: "acme/infra",
		Retry:      scm.Retry{Max: 1, Base: time.Millisecond},
		Timeout:    50 * time.Millisecond,
	})
	require.NoError(t, err)
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}
	reg.Register(http.MethodGet, commentsPath, slow)
	start := time.Now()
	_, _, err = repo.FindComment(t.Context(), 12, "m")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), time.Second)
}
