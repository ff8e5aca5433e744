package github

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v89/github"
	"github.com/sethvargo/go-githubactions"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

const platform = "github"

// maxPages bounds every listing, against a server that never ends one.
const maxPages = 1000

// Options configures a Repo.
type Options struct {
	// Transport carries the requests; nil means http.DefaultTransport. The
	// retrying transport wraps it.
	Transport http.RoundTripper
	// Logger receives one line per retry; nil discards.
	Logger *slog.Logger
	// Sleep waits between retries; nil means a timer that stops when ctx
	// ends. Tests set it to record the waits without sleeping.
	Sleep func(ctx context.Context, d time.Duration) error

	// Token authenticates the calls (see Token).
	Token string
	// APIURL is the REST API root (GITHUB_API_URL); empty means
	// https://api.github.com. GitHub Enterprise Server's is
	// https://HOST/api/v3.
	APIURL string
	// Repository is owner/name (GITHUB_REPOSITORY).
	Repository string
	// Retry is the retry policy; the zero value means scm.DefaultRetry().
	Retry scm.Retry
	// Timeout bounds each HTTP attempt (not the waits between retries); 0
	// means 30 seconds.
	Timeout time.Duration
}

// Repo is one GitHub repository's API.
type Repo struct {
	owner, name string
	comments    commentsAPI
	issues      issuesAPI
	pulls       pullsAPI
	compare     compareAPI
	// me is the account the token acts as, found on first use.
	me *identity
}

// New returns the adapter for o.Repository.
func New(o Options) (*Repo, error) {
	owner, name, ok := strings.Cut(o.Repository, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("github: repository %q is not owner/name", o.Repository)
	}
	if o.Token == "" {
		return nil, &scm.TokenError{Platform: platform, Reason: "pass the github-token input or set GITHUB_TOKEN"}
	}
	if o.Retry == (scm.Retry{}) {
		o.Retry = scm.DefaultRetry()
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	api := o.APIURL
	if api == "" {
		api = "https://api.github.com"
	}
	rt := newRetryTransport(o.Transport, o.Retry, o.Timeout, o.Sleep, o.Logger)
	c, err := gh.NewClient(
		gh.WithTransport(rt),
		gh.WithAuthToken(o.Token),
		gh.WithURLs(&api, nil),
		gh.WithUserAgent("tierdeploy"),
	)
	if err != nil {
		return nil, fmt.Errorf("github: make the API client: %w", err)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Repo{owner: owner, name: name, comments: c.Issues, issues: c.Issues, pulls: c.PullRequests, compare: c.Repositories,
		me: &identity{users: c.Users, viewer: graphqlViewer(c, graphqlURL(api)), log: log}}, nil
}

// Token returns the token from the github-token input (INPUT_GITHUB-TOKEN),
// else GITHUB_TOKEN, or a *scm.TokenError when neither is set.
func Token(getenv func(string) string) (string, error) {
	if t := githubactions.New(githubactions.WithGetenv(getenv)).GetInput("github-token"); t != "" {
		return t, nil
	}
	if t := strings.TrimSpace(getenv("GITHUB_TOKEN")); t != "" {
		return t, nil
	}
	return "", &scm.TokenError{Platform: platform,
		Reason: "pass the github-token input (with: github-token: ${{ github.token }}) or set GITHUB_TOKEN"}
}
