package gitlab

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// retryPolicy configures the client's go-retryablehttp: it retries 429 and
// 5xx (not 501) answers, waiting what Retry-After or RateLimit-Reset ask or
// else backing off exponentially, and gives up at once when the wait asked
// is over the cap. Transport errors are retried only when the connection was
// never made, so a write is not sent twice.
type retryPolicy struct {
	r   scm.Retry
	now func() time.Time
}

func newRetryPolicy(r scm.Retry) *retryPolicy { return &retryPolicy{r: r, now: time.Now} }

// check is a retryablehttp.CheckRetry.
func (p *retryPolicy) check(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var op *net.OpError
		return errors.As(err, &op) && op.Op == "dial", nil
	}
	code := resp.StatusCode
	if code != http.StatusTooManyRequests && (code < 500 || code == http.StatusNotImplemented) {
		return false, nil
	}
	if wait, ok := scm.ServerWait(resp.Header, p.now()); ok && p.r.MaxWait > 0 && wait > p.r.MaxWait {
		return false, nil
	}
	return true, nil
}

// backoff is a retryablehttp.Backoff; attempt counts from 0.
func (p *retryPolicy) backoff(_, _ time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if wait, ok := scm.ServerWait(resp.Header, p.now()); ok {
			if p.r.MaxWait > 0 {
				wait = min(wait, p.r.MaxWait)
			}
			return wait
		}
	}
	return p.r.Backoff(attempt)
}
