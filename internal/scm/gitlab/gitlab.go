package gitlab

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

const platform = "gitlab"

// maxPages bounds every listing, against a server that never ends one.
const maxPages = 1000

// Options configures a Project.
type Options struct {
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives one line per retry; nil discards.
	Logger *slog.Logger

	// Token is a project or group access token (see Token).
	Token string
	// APIURL is the REST API root (CI_API_V4_URL); empty means
	// https://gitlab.com/api/v4.
	APIURL string
	// ServerURL (CI_SERVER_URL) and ProjectPath (CI_PROJECT_PATH) make the
	// links to notes; without them results have no URL.
	ServerURL   string
	ProjectPath string
	// ProjectID is the numeric ID (or the path) of the project that holds
	// the merge requests and issues.
	ProjectID string
	// Retry is the retry policy; the zero value means scm.DefaultRetry().
	Retry scm.Retry
	// Timeout bounds each HTTP request; 0 means 30 seconds.
	Timeout time.Duration
}

// Project is one GitLab project's API.
type Project struct {
	pid         string
	server      string
	projectPath string
	notes       notesAPI
	diffs       diffsAPI
	commits     commitsAPI
	compare     compareAPI
	issues      issuesAPI
	// me is the account the token acts as, found on first use.
	me *identity
}

// New returns the adapter for o.ProjectID.
func New(o Options) (*Project, error) {
	if o.ProjectID == "" {
		return nil, fmt.Errorf("gitlab: no project ID (CI_PROJECT_ID)")
	}
	if o.Token == "" {
		return nil, &scm.TokenError{Platform: platform, Reason: tokenAdvice}
	}
	if o.Retry == (scm.Retry{}) {
		o.Retry = scm.DefaultRetry()
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	api := o.APIURL
	if api == "" {
		api = "https://gitlab.com/api/v4"
	}
	p := newRetryPolicy(o.Retry)
	c, err := gl.NewClient(o.Token,
		gl.WithBaseURL(api),
		gl.WithHTTPClient(&http.Client{Transport: o.Transport, Timeout: o.Timeout}),
		gl.WithCustomRetry(p.check),
		gl.WithCustomBackoff(p.backoff),
		gl.WithCustomRetryMax(o.Retry.Max),
		gl.WithURLWarningLogger(log),
		gl.WithRequestLogHook(func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				log.InfoContext(req.Context(), "retrying GitLab API call", "method", req.Method, "path", req.URL.Path, "retry", attempt)
			}
		}),
		gl.WithUserAgent("tierdeploy"),
	)
	if err != nil {
		return nil, fmt.Errorf("gitlab: make the API client: %w", err)
	}
	return &Project{
		pid:         o.ProjectID,
		server:      strings.TrimRight(o.ServerURL, "/"),
		projectPath: o.ProjectPath,
		notes:       c.Notes,
		diffs:       c.MergeRequests,
		commits:     c.Commits,
		compare:     c.Repositories,
		issues:      c.Issues,
		me:          &identity{users: c.Users},
	}, nil
}

const tokenAdvice = "set GITLAB_TOKEN to a project or group access token with the api scope and at least the Reporter role, " +
	"stored as a masked CI/CD variable; CI_JOB_TOKEN cannot write merge request notes or issues"

// Token returns GITLAB_TOKEN. It refuses CI_JOB_TOKEN, also when GITLAB_TOKEN
// was set to it, since the job token cannot write notes or issues; the
// error says which token to create.
func Token(getenv func(string) string) (string, error) {
	t := strings.TrimSpace(getenv("GITLAB_TOKEN"))
	job := strings.TrimSpace(getenv("CI_JOB_TOKEN"))
	switch {
	case t != "" && t == job:
		return "", &scm.TokenError{Platform: platform, Reason: "GITLAB_TOKEN holds the CI_JOB_TOKEN: " + tokenAdvice}
	case t != "":
		return t, nil
	case job != "":
		return "", &scm.TokenError{Platform: platform, Reason: "only CI_JOB_TOKEN is available: " + tokenAdvice}
	default:
		return "", &scm.TokenError{Platform: platform, Reason: tokenAdvice}
	}
}

// noteURL links to a note of merge request iid, when the server and project
// path are known.
func (p *Project) noteURL(iid, id int64) string {
	if p.server == "" || p.projectPath == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/-/merge_requests/%d#note_%d", p.server, p.projectPath, iid, id)
}
