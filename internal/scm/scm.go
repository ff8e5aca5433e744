package scm

import (
	"strings"
	"unicode/utf8"
)

// Body limits of the platforms, in characters.
const (
	// GitHubBodyLimit bounds issue, pull request and comment bodies.
	GitHubBodyLimit = 65536
	// GitLabBodyLimit bounds notes (and, conservatively, issue
	// descriptions).
	GitLabBodyLimit = 1000000
)

// Outcome says what an upsert did.
type Outcome string

// Outcomes. Created, Updated and Closed are API writes; Unchanged is not.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Closed    Outcome = "closed"
)

// Wrote reports whether the outcome cost an API write.
func (o Outcome) Wrote() bool { return o == Created || o == Updated || o == Closed }

// Result is what an upsert did to one comment or issue.
type Result struct {
	Outcome Outcome
	// ID is the comment or note ID, or the issue number (IID on GitLab).
	ID  int64
	URL string
	// Marker is the hidden marker of the comment or issue.
	Marker string
}

// Comment is a comment (GitHub) or note (GitLab) on a pull or merge
// request, with who wrote it.
type Comment struct {
	ID     int64
	Body   string
	URL    string
	Author Author
}

// Find returns the first of cs that id wrote and whose first line is
// marker (see HasMarker).
func Find(cs []Comment, id Identity, marker string) (Comment, bool) {
	for _, c := range cs {
		if id.Wrote(c.Author) && HasMarker(c.Body, marker) {
			return c, true
		}
	}
	return Comment{}, false
}

// SameBody reports whether two bodies are the same once line endings and
// trailing white space, which platforms may normalise, are set aside.
func SameBody(a, b string) bool {
	norm := func(s string) string {
		return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \t\r\n")
	}
	return norm(a) == norm(b)
}

// CheckSize returns a *TooLargeError when body has more than limit
// characters. what names the body in the message ("the report comment").
func CheckSize(platform, what, body string, limit int) error {
	if n := utf8.RuneCountInString(body); n > limit {
		return &TooLargeError{Platform: platform, What: what, Size: n, Limit: limit}
	}
	return nil
}
