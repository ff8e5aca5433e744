package scm

import (
	"fmt"
	"time"
)

// PermissionError means the token may not do what was asked (HTTP 401 or
// 403). Need names the missing permission or scope.
type PermissionError struct {
	Platform string
	// Op is what was attempted, such as "create the report comment on #12".
	Op     string
	Status int
	// Need is the permission, scope or role that is missing, such as
	// "pull-requests: write".
	Need string
	// Hint says how to grant it.
	Hint    string
	Message string
	Err     error
}

func (e *PermissionError) Error() string {
	s := fmt.Sprintf("%s: %s: %d %s", e.Platform, e.Op, e.Status, e.Message)
	if e.Need != "" {
		s += ": the token needs " + e.Need
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *PermissionError) Unwrap() error { return e.Err }

// NotFoundError means the repository, project, pull or merge request or
// comment does not exist, or the token may not see it (HTTP 404).
type NotFoundError struct {
	Platform string
	Op       string
	Hint     string
	Err      error
}

func (e *NotFoundError) Error() string {
	s := fmt.Sprintf("%s: %s: not found", e.Platform, e.Op)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// TooLargeError means a body is over the platform's limit. The adapters
// check before sending, so such a body is never sent; a 422 that says the
// same becomes this error too.
type TooLargeError struct {
	Platform string
	What     string
	// Size and Limit are in characters.
	Size  int
	Limit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: %s has %d characters, over the limit of %d: it was not sent", e.Platform, e.What, e.Size, e.Limit)
}

// RateLimitError means the platform rate limited the calls and retrying
// within the configured wait did not help.
type RateLimitError struct {
	Platform string
	Op       string
	// Secondary is GitHub's secondary (abuse) rate limit.
	Secondary bool
	// RetryAfter, or else Reset, says when calls may resume, when known.
	RetryAfter time.Duration
	Reset      time.Time
	Err        error
}

func (e *RateLimitError) Error() string {
	kind := "rate limit exceeded"
	if e.Secondary {
		kind = "secondary rate limit exceeded"
	}
	s := fmt.Sprintf("%s: %s: %s", e.Platform, e.Op, kind)
	switch {
	case e.RetryAfter > 0:
		s += fmt.Sprintf("; retry after %s", e.RetryAfter.Round(time.Second))
	case !e.Reset.IsZero():
		s += "; the limit resets at " + e.Reset.UTC().Format(time.RFC3339)
	}
	return s
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// ServerError means the platform failed (HTTP 5xx) on every attempt.
type ServerError struct {
	Platform string
	Op       string
	Status   int
	Err      error
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("%s: %s: server error %d after retries", e.Platform, e.Op, e.Status)
}

func (e *ServerError) Unwrap() error { return e.Err }

// ValidationError means the platform rejected the request as invalid (HTTP
// 400 or 422) for a reason other than size.
type ValidationError struct {
	Platform string
	Op       string
	Status   int
	Message  string
	Err      error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s: rejected (%d): %s", e.Platform, e.Op, e.Status, e.Message)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// TokenError means no usable token was given.
type TokenError struct {
	Platform string
	Reason   string
}

func (e *TokenError) Error() string {
	return fmt.Sprintf("%s: no usable API token: %s", e.Platform, e.Reason)
}

// IncompleteError means the platform returned only part of a list, such as
// the first 3,000 files of a pull request. The partial list is returned
// along with it; selecting every stack is the safe fallback.
type IncompleteError struct {
	Platform string
	What     string
	Got      int
	Limit    int
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%s: %s is incomplete: the API returns at most %d entries and gave %d", e.Platform, e.What, e.Limit, e.Got)
}
