package event

import (
	"context"
	"fmt"
	"strings"
)

// Platform is the CI system the run happens on.
type Platform string

// Platforms.
const (
	Local  Platform = "local"
	GitHub Platform = "github"
	GitLab Platform = "gitlab"
)

// Kind is what triggered the run, in platform-neutral terms.
type Kind string

// Kinds. A pull request is also a GitLab merge request.
const (
	KindPullRequest Kind = "pull_request"
	KindPush        Kind = "push"
	KindSchedule    Kind = "schedule"
	KindManual      Kind = "manual"
)

// Event describes one CI run.
type Event struct {
	Platform Platform
	Kind     Kind
	// Name is the platform's own name for the trigger (GITHUB_EVENT_NAME,
	// such as pull_request_target, or CI_PIPELINE_SOURCE, such as web).
	Name string
	// Action is the activity of a GitHub pull_request event (opened,
	// synchronize, closed...); empty elsewhere.
	Action string

	// Repository is owner/name on GitHub and the project path on GitLab.
	Repository string
	// ProjectID is the numeric ID of the repository (GitHub) or of the
	// project that holds the merge request (GitLab).
	ProjectID string
	// Number is the pull request number or merge request IID; 0 otherwise.
	Number int

	// BaseSHA is the commit to compare from: the pull request's base, the
	// merge request's diff base, or the commit before a push. It is empty
	// when there is none (NewBranch) and for schedule and manual runs.
	BaseSHA string
	// HeadSHA is the commit under test.
	HeadSHA string
	// BaseRef is the branch a pull or merge request targets.
	BaseRef string
	// HeadRef is the branch (or tag) name of the change, without refs/heads/.
	HeadRef string
	// Ref is the full git ref that triggered the run when known, such as
	// refs/heads/main or refs/tags/v1.
	Ref string
	// DefaultBranch is the repository's default branch.
	DefaultBranch string

	// RunURL links to the job (GitLab) or workflow run (GitHub).
	RunURL string
	// ServerURL is the web address of the platform, such as
	// https://github.com; APIURL is its REST API root.
	ServerURL string
	APIURL    string
	Actor     string

	// Fork is true when the change comes from another repository (a fork),
	// so that nothing needing secrets may run on it.
	Fork bool
	// ForkWithSecrets is true when a fork's change runs where the job holds
	// the base repository's secrets: a GitHub pull_request_target run, or a
	// GitLab merge request pipeline run in the target project for a merge
	// request from a fork. CheckFork refuses it.
	ForkWithSecrets bool
	// NewBranch is true for a push that created its branch or tag: there is
	// no previous commit, so BaseSHA is empty and the caller compares with
	// the default branch instead.
	NewBranch bool
	// Deleted is true for a push that deleted its branch or tag: HeadSHA is
	// empty and there is nothing to plan.
	Deleted bool
	// Merged is true for a closed pull request that was merged; MergeSHA is
	// then the commit it was merged as.
	Merged   bool
	MergeSHA string
}

// CheckFork returns a *ForkError when the run would execute a fork's
// Terraform or charts where the job holds secrets (ForkWithSecrets), and
// nil otherwise. Commands that run the repository's code call it first.
func (e Event) CheckFork() error {
	if !e.ForkWithSecrets {
		return nil
	}
	return &ForkError{Platform: e.Platform, Name: e.Name}
}

// IsChange reports whether the event is a pull or merge request.
func (e Event) IsChange() bool { return e.Kind == KindPullRequest }

// String returns a short description for logs, such as
// "github pull_request #12 in acme/infra".
func (e Event) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Platform, e.Kind)
	if e.Number > 0 {
		fmt.Fprintf(&b, " #%d", e.Number)
	}
	if e.Repository != "" {
		fmt.Fprintf(&b, " in %s", e.Repository)
	}
	return b.String()
}

// Detect returns the platform named by flag: "github", "gitlab" or "local",
// or for "auto" (and "") the one the environment shows: GITHUB_ACTIONS=true
// means GitHub, GITLAB_CI=true GitLab, anything else local.
func Detect(flag string, getenv func(string) string) (Platform, error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "", "auto":
		switch {
		case getenv("GITHUB_ACTIONS") == "true":
			return GitHub, nil
		case getenv("GITLAB_CI") == "true":
			return GitLab, nil
		default:
			return Local, nil
		}
	case string(GitHub):
		return GitHub, nil
	case string(GitLab):
		return GitLab, nil
	case string(Local):
		return Local, nil
	default:
		return "", &PlatformError{Value: flag}
	}
}

// FromEnv reads the event of platform p from the environment (getenv) and,
// on GitHub, from the payload file named by GITHUB_EVENT_PATH (read with
// readFile). A local run is a manual event with nothing else known.
func FromEnv(ctx context.Context, p Platform, getenv func(string) string, readFile func(string) ([]byte, error)) (Event, error) {
	if err := ctx.Err(); err != nil {
		return Event{}, err
	}
	switch p {
	case GitHub:
		return fromGitHub(getenv, readFile)
	case GitLab:
		return fromGitLab(getenv)
	case Local:
		return Event{Platform: Local, Kind: KindManual, Name: "local"}, nil
	default:
		return Event{}, &PlatformError{Value: string(p)}
	}
}
