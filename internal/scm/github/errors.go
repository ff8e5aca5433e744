package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	gh "github.com/google/go-github/v89/github"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// Permissions the calls need, as a workflow's permissions: block names them.
const (
	needPullWrite   = "pull-requests: write"
	needPullRead    = "pull-requests: read"
	needIssuesWrite = "issues: write"
	needContents    = "contents: read"
	needCommitPulls = "contents: read and pull-requests: read"
)

// apiError turns a go-github error into one of scm's typed errors. op says
// what was attempted, need the permission it takes; body is the body sent,
// if any, to size a 422 "too long".
func apiError(op, need string, err error, body string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("github: %s: %w", op, err)
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) {
		return &scm.RateLimitError{Platform: platform, Op: op, Reset: rl.Rate.Reset.Time, Err: err}
	}
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &abuse) {
		return &scm.RateLimitError{Platform: platform, Op: op, Secondary: true, RetryAfter: abuse.GetRetryAfter(), Err: err}
	}
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return fmt.Errorf("github: %s: %w", op, err)
	}
	status := er.Response.StatusCode
	switch {
	case status == http.StatusUnauthorized:
		return &scm.PermissionError{Platform: platform, Op: op, Status: status, Message: er.Message, Err: err,
			Hint: "GitHub rejected the token: check the github-token input or GITHUB_TOKEN, and that it has not expired"}
	case status == http.StatusForbidden:
		return &scm.PermissionError{Platform: platform, Op: op, Status: status, Message: er.Message, Need: need, Err: err,
			Hint: "grant it in the workflow's or job's permissions: block, or to the token; " +
				"a pull_request from a fork always gets a read-only GITHUB_TOKEN"}
	case status == http.StatusNotFound:
		return &scm.NotFoundError{Platform: platform, Op: op, Err: err,
			Hint: "check the repository and number; GitHub also answers 404 when the token may not see a private repository"}
	case status == http.StatusUnprocessableEntity && strings.Contains(strings.ToLower(err.Error()), "too long"):
		return &scm.TooLargeError{Platform: platform, What: "the body of " + op, Size: utf8.RuneCountInString(body), Limit: scm.GitHubBodyLimit}
	case status == http.StatusTooManyRequests:
		return &scm.RateLimitError{Platform: platform, Op: op, RetryAfter: retryAfter(er.Response), Err: err}
	case status >= 500:
		return &scm.ServerError{Platform: platform, Op: op, Status: status, Err: err}
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return &scm.ValidationError{Platform: platform, Op: op, Status: status, Message: validationMessage(er), Err: err}
	default:
		return fmt.Errorf("github: %s: %w", op, err)
	}
}

func retryAfter(resp *http.Response) time.Duration {
	d, _ := scm.ServerWait(resp.Header, time.Now())
	return d
}

func validationMessage(er *gh.ErrorResponse) string {
	parts := []string{er.Message}
	for _, e := range er.Errors {
		if e.Message != "" {
			parts = append(parts, e.Message)
		} else if e.Code != "" {
			parts = append(parts, e.Field+" "+e.Code)
		}
	}
	return strings.Join(parts, ": ")
}
