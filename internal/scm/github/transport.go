package github

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// retryTransport retries requests that failed with 429, a 5xx other than
// 501, or a rate limit (403 or 429 with X-RateLimit-Remaining: 0, or a
// secondary rate limit). It waits what the response asks (Retry-After,
// X-RateLimit-Reset), else backs off exponentially; when the server asks for
// more than the policy's MaxWait it returns the response at once, so the
// caller gets a rate limit error instead of a long sleep.
//
// timeout bounds each attempt (its body included), not the waits between
// attempts, which is why it is not the http.Client's Timeout.
type retryTransport struct {
	next    http.RoundTripper
	retry   scm.Retry
	timeout time.Duration
	sleep   func(context.Context, time.Duration) error
	now     func() time.Time
	log     *slog.Logger
}

func newRetryTransport(next http.RoundTripper, r scm.Retry, timeout time.Duration, sleep func(context.Context, time.Duration) error, log *slog.Logger) *retryTransport {
	if next == nil {
		next = http.DefaultTransport
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &retryTransport{next: next, retry: r, timeout: timeout, sleep: sleep, now: time.Now, log: log}
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 0; ; attempt++ {
		resp, err := t.attempt(req, attempt)
		if err != nil {
			return nil, err
		}
		wait, again := t.decide(resp, attempt)
		if !again || !replayable {
			return resp, nil
		}
		t.log.InfoContext(req.Context(), "retrying GitHub API call",
			"method", req.Method, "path", req.URL.Path, "status", resp.StatusCode, "wait", wait, "retry", attempt+1)
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends req once, within the per-attempt timeout; closing the
// response body releases the timer.
func (t *retryTransport) attempt(req *http.Request, n int) (*http.Response, error) {
	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}
	r := req.WithContext(ctx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, err
		}
		r = req.Clone(ctx)
		r.Body = body
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody ends an attempt's context when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// decide says whether to retry after resp, and after how long.
func (t *retryTransport) decide(resp *http.Response, attempt int) (time.Duration, bool) {
	if attempt >= t.retry.Max {
		return 0, false
	}
	switch code := resp.StatusCode; {
	case code == http.StatusForbidden || code == http.StatusTooManyRequests:
		limited, secondary := rateLimited(resp)
		if !limited {
			return 0, false
		}
		wait, ok := scm.ServerWait(resp.Header, t.now())
		switch {
		case ok:
		case secondary:
			wait = t.retry.SecondaryBackoff(attempt)
		default:
			wait = t.retry.Backoff(attempt)
		}
		if t.retry.MaxWait > 0 && wait > t.retry.MaxWait {
			return 0, false
		}
		return wait, true
	case code >= 500 && code != http.StatusNotImplemented:
		wait, ok := scm.ServerWait(resp.Header, t.now())
		if !ok {
			wait = t.retry.Backoff(attempt)
		}
		if t.retry.MaxWait > 0 {
			wait = min(wait, t.retry.MaxWait)
		}
		return wait, true
	}
	return 0, false
}

// rateLimited reports whether a 403 or 429 response is a rate limit rather
// than a missing permission, and whether it is a secondary one. It reads the
// body and puts it back.
func rateLimited(resp *http.Response) (limited, secondary bool) {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	msg := strings.ToLower(string(b))
	secondary = strings.Contains(msg, "secondary rate limit") || strings.Contains(msg, "abuse")
	switch {
	case secondary:
		return true, true
	case resp.Header.Get("X-RateLimit-Remaining") == "0", resp.Header.Get("Retry-After") != "":
		return true, false
	default:
		return resp.StatusCode == http.StatusTooManyRequests, false
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
