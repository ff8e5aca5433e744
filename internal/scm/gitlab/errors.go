package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// What the calls need: every call goes through a token with the api scope;
// the role sets what it may do.
const (
	needReporter = "the api scope and at least the Reporter role"
)

// apiError turns a client-go error into one of scm's typed errors. op says
// what was attempted, need the scope and role it takes; body is the body
// sent, if any, to size a "too long" rejection.
func apiError(op, need string, err error, body string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("gitlab: %s: %w", op, err)
	}
	if errors.Is(err, gl.ErrNotFound) {
		return &scm.NotFoundError{Platform: platform, Op: op, Err: err,
			Hint: "check CI_PROJECT_ID and the IID; GitLab also answers 404 when the token's user is not a member of a private project"}
	}
	var er *gl.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		return fmt.Errorf("gitlab: %s: %w", op, err)
	}
	status := er.Response.StatusCode
	msg := strings.TrimSpace(er.Message)
	switch {
	case status == http.StatusUnauthorized:
		return &scm.PermissionError{Platform: platform, Op: op, Status: status, Message: msg, Err: err,
			Hint: "GitLab rejected the token: check that GITLAB_TOKEN is set, not expired and not revoked"}
	case status == http.StatusForbidden:
		pe := &scm.PermissionError{Platform: platform, Op: op, Status: status, Message: msg, Need: need, Err: err,
			Hint: "use a project or group access token with that scope and role; CI_JOB_TOKEN cannot write notes or issues"}
		if strings.Contains(string(er.Body), "insufficient_scope") {
			pe.Need = "the api scope"
		}
		return pe
	case status == http.StatusRequestEntityTooLarge,
		(status == http.StatusBadRequest || status == http.StatusUnprocessableEntity) && strings.Contains(strings.ToLower(msg), "too long"):
		return &scm.TooLargeError{Platform: platform, What: "the body of " + op, Size: utf8.RuneCountInString(body), Limit: scm.GitLabBodyLimit}
	case status == http.StatusTooManyRequests:
		d, _ := scm.ServerWait(er.Response.Header, time.Now())
		return &scm.RateLimitError{Platform: platform, Op: op, RetryAfter: d, Err: err}
	case status >= 500:
		return &scm.ServerError{Platform: platform, Op: op, Status: status, Err: err}
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return &scm.ValidationError{Platform: platform, Op: op, Status: status, Message: msg, Err: err}
	default:
		return fmt.Errorf("gitlab: %s: %w", op, err)
	}
}
