package tfinstall

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// Size limits of what is downloaded.
const (
	maxListing   = 32 << 20
	maxSums      = 1 << 20
	maxSignature = 64 << 10
	maxArchive   = 1 << 30
)

// fetcher downloads files over HTTP with bounded sizes and a few retries
// for network errors and server errors.
type fetcher struct {
	client    *http.Client
	attempts  int
	retryWait time.Duration
	log       *slog.Logger
}

// ErrDowngrade is the redirect of an https request to a URL that is not
// https.
var ErrDowngrade = errors.New("redirected from https to http: refused, the release listing and files are fetched over https only once an https URL is given")

// maxRedirects is how many redirects a request follows, as Go's default.
const maxRedirects = 10

// guardRedirects returns a copy of client that refuses a redirect from
// https to anything else before the request is made, and then follows the
// client's own policy. Go's client drops credentials on a redirect to
// another host; it does not refuse the downgrade.
func guardRedirects(client *http.Client) *http.Client {
	c := *client
	next := client.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		for _, prev := range via {
			if prev.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return ErrDowngrade
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	return &c
}

// get writes the body of url into the writer open returns (called again,
// fresh, for each attempt). A body larger than limit is an error. A
// response other than 200 is a *DownloadError, as is a request that fails
// on every attempt.
func (f *fetcher) get(ctx context.Context, url string, limit int64, open func() (io.Writer, error)) error {
	var last error
	for attempt := 0; attempt < f.attempts; attempt++ {
		if attempt > 0 {
			wait := f.retryWait << (attempt - 1)
			f.log.Warn("retrying download", "url", redact.URL(url), "error", last, "wait", wait)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
		w, err := open()
		if err != nil {
			return err
		}
		retry, err := f.once(ctx, url, limit, w)
		if err == nil || !retry {
			return err
		}
		last = err
	}
	return last
}

// once makes one request; retry says whether another attempt may succeed.
func (f *fetcher) once(ctx context.Context, url string, limit int64, w io.Writer) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false, &DownloadError{URL: redact.URL(url), Err: errors.New("not a valid URL")}
	}
	req.Header.Set("User-Agent", "tierdeploy")
	resp, err := f.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return true, &DownloadError{URL: redact.URL(url), Err: stripURL(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests
		return retry, &DownloadError{URL: redact.URL(url), Status: resp.StatusCode}
	}
	if resp.ContentLength > limit {
		return false, &DownloadError{URL: redact.URL(url), Err: fmt.Errorf("the file is %d bytes, over the limit of %d", resp.ContentLength, limit)}
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return true, &DownloadError{URL: redact.URL(url), Err: stripURL(err)}
	}
	if n > limit {
		return false, &DownloadError{URL: redact.URL(url), Err: fmt.Errorf("the file is over the limit of %d bytes", limit)}
	}
	return false, nil
}

// stripURL drops the *url.Error wrapper, which repeats the URL with its
// credentials.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}
