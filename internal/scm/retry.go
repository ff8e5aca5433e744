package scm

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Retry says how the adapters retry API calls that failed with 429, a 5xx
// or a rate limit.
type Retry struct {
	// Max is the most retries after the first attempt.
	Max int
	// Base is the first backoff; it doubles on every retry, plus up to half
	// of it at random.
	Base time.Duration
	// MaxWait caps every wait. When the server asks for a longer wait (a
	// rate limit that resets in an hour), the call fails at once with a
	// *RateLimitError instead of sleeping.
	MaxWait time.Duration
	// SecondaryWait is the first wait on a GitHub secondary rate limit that
	// names no time (GitHub documents at least one minute); it doubles too.
	SecondaryWait time.Duration
}

// DefaultRetry returns the retry policy for CI: 4 retries, 1 s doubling,
// waits up to 2 minutes, 1 minute on a secondary rate limit.
func DefaultRetry() Retry {
	return Retry{Max: 4, Base: time.Second, MaxWait: 2 * time.Minute, SecondaryWait: time.Minute}
}

// Backoff returns the wait before retry number attempt (0 for the first
// retry), capped at MaxWait.
func (r Retry) Backoff(attempt int) time.Duration {
	return r.grow(r.Base, attempt)
}

// SecondaryBackoff is Backoff for a secondary rate limit without a stated
// wait.
func (r Retry) SecondaryBackoff(attempt int) time.Duration {
	return r.grow(r.SecondaryWait, attempt)
}

func (r Retry) grow(base time.Duration, attempt int) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base << min(attempt, 20)
	if d <= 0 || (r.MaxWait > 0 && d > r.MaxWait) {
		d = r.MaxWait
	}
	if j := int64(base / 2); j > 0 {
		d += time.Duration(rand.Int64N(j))
	}
	if r.MaxWait > 0 && d > r.MaxWait {
		d = r.MaxWait
	}
	return d
}

// ServerWait returns how long a response asks the client to wait: the
// Retry-After header (seconds or an HTTP date), else the reset time of an
// exhausted rate limit (X-RateLimit-Reset on GitHub, RateLimit-Reset on
// GitLab, each with its Remaining header at 0). ok is false when the
// response names no time.
func ServerWait(h http.Header, now time.Time) (d time.Duration, ok bool) {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			return time.Duration(s) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	for _, prefix := range []string{"X-RateLimit-", "RateLimit-"} {
		if h.Get(prefix+"Remaining") != "0" {
			continue
		}
		if s, err := strconv.ParseInt(h.Get(prefix+"Reset"), 10, 64); err == nil && s > 0 {
			// One second more: the reset is rounded down to a second.
			return max(time.Unix(s, 0).Sub(now)+time.Second, 0), true
		}
	}
	return 0, false
}
