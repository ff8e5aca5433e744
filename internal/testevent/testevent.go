package testevent

import (
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/event"
)

// Commits used by default.
const (
	BaseSHA = "1111111111111111111111111111111111111111"
	HeadSHA = "2222222222222222222222222222222222222222"
)

// Option changes the event under construction.
type Option func(*event.Event)

// New returns a GitHub push of HeadSHA onto main (previously BaseSHA) in
// acme/infra, changed by opts in order.
func New(opts ...Option) event.Event {
	e := event.Event{
		Platform:      event.GitHub,
		Kind:          event.KindPush,
		Name:          "push",
		Repository:    "acme/infra",
		ProjectID:     "4242",
		BaseSHA:       BaseSHA,
		HeadSHA:       HeadSHA,
		HeadRef:       "main",
		Ref:           "refs/heads/main",
		DefaultBranch: "main",
		RunURL:        "https://github.com/acme/infra/actions/runs/1",
		ServerURL:     "https://github.com",
		APIURL:        "https://api.github.com",
		Actor:         "octocat",
	}
	for _, o := range opts {
		o(&e)
	}
	return e
}

// WithPlatform moves the event to p, with that platform's URLs and names.
func WithPlatform(p event.Platform) Option {
	return func(e *event.Event) {
		e.Platform = p
		switch p {
		case event.GitLab:
			e.ServerURL, e.APIURL = "https://gitlab.com", "https://gitlab.com/api/v4"
			e.RunURL = "https://gitlab.com/" + e.Repository + "/-/jobs/1"
			e.Name = map[event.Kind]string{event.KindPullRequest: "merge_request_event", event.KindPush: "push",
				event.KindSchedule: "schedule", event.KindManual: "web"}[e.Kind]
		case event.Local:
			*e = event.Event{Platform: event.Local, Kind: event.KindManual, Name: "local"}
		}
	}
}

// WithPR makes the event a pull (or merge) request number n from branch
// "feature" into main, comparing BaseSHA with HeadSHA.
func WithPR(n int) Option {
	return func(e *event.Event) {
		e.Kind, e.Number, e.Action = event.KindPullRequest, n, "synchronize"
		e.Name = "pull_request"
		if e.Platform == event.GitLab {
			e.Name, e.Action = "merge_request_event", ""
		}
		e.BaseRef, e.HeadRef, e.Ref = "main", "feature", ""
		e.NewBranch, e.Deleted = false, false
	}
}

// WithFork marks the change as coming from a fork.
func WithFork() Option { return func(e *event.Event) { e.Fork = true } }

// WithMerged marks a pull request as closed and merged as sha.
func WithMerged(sha string) Option {
	return func(e *event.Event) { e.Action, e.Merged, e.MergeSHA = "closed", true, sha }
}

// WithPush makes the event a push to branch from before to after. An empty
// or all-zero before is a new branch.
func WithPush(branch, before, after string) Option {
	return func(e *event.Event) {
		e.Kind, e.Name, e.Number, e.Action = event.KindPush, "push", 0, ""
		e.Ref, e.HeadRef, e.BaseRef = "refs/heads/"+branch, branch, ""
		e.BaseSHA, e.HeadSHA, e.NewBranch = before, after, false
		if strings.Trim(before, "0") == "" {
			e.BaseSHA, e.NewBranch = "", true
		}
	}
}

// WithSchedule makes the event a scheduled run on the default branch.
func WithSchedule() Option {
	return func(e *event.Event) {
		e.Kind, e.Name, e.Number, e.Action, e.BaseSHA = event.KindSchedule, "schedule", 0, "", ""
		e.HeadRef, e.Ref = e.DefaultBranch, "refs/heads/"+e.DefaultBranch
	}
}

// WithManual makes the event a run started by hand.
func WithManual() Option {
	return func(e *event.Event) {
		e.Kind, e.Name, e.Number, e.Action, e.BaseSHA = event.KindManual, "workflow_dispatch", 0, "", ""
		if e.Platform == event.GitLab {
			e.Name = "web"
		}
	}
}

// WithRepository sets the repository (owner/name or project path).
func WithRepository(r string) Option { return func(e *event.Event) { e.Repository = r } }

// WithProjectID sets the numeric repository or project ID.
func WithProjectID(id string) Option { return func(e *event.Event) { e.ProjectID = id } }

// WithSHAs sets the base and head commits.
func WithSHAs(base, head string) Option {
	return func(e *event.Event) { e.BaseSHA, e.HeadSHA = base, head }
}

// WithDefaultBranch sets the default branch.
func WithDefaultBranch(b string) Option { return func(e *event.Event) { e.DefaultBranch = b } }

// WithAPI sets the server and API URLs, such as an httptest server's.
func WithAPI(serverURL, apiURL string) Option {
	return func(e *event.Event) { e.ServerURL, e.APIURL = serverURL, apiURL }
}
