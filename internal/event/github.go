package event

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// MaxPayloadSize is the largest event payload decoded. GitHub caps webhook
// payloads at 25 MB; a larger file is not one the runner wrote.
const MaxPayloadSize = 32 << 20

var githubEvents = []string{"pull_request", "pull_request_target", "push", "schedule", "workflow_dispatch"}

// githubEnv holds the GitHub Actions default variables the event needs.
type githubEnv struct {
	EventName    string // GITHUB_EVENT_NAME
	EventPath    string // GITHUB_EVENT_PATH
	Repository   string // GITHUB_REPOSITORY
	RepositoryID string // GITHUB_REPOSITORY_ID
	SHA          string // GITHUB_SHA
	Ref          string // GITHUB_REF
	RefName      string // GITHUB_REF_NAME
	ServerURL    string // GITHUB_SERVER_URL
	APIURL       string // GITHUB_API_URL
	RunID        string // GITHUB_RUN_ID
	RunAttempt   string // GITHUB_RUN_ATTEMPT
	Actor        string // GITHUB_ACTOR
}

func readGitHubEnv(getenv func(string) string) githubEnv {
	return githubEnv{
		EventName:    getenv("GITHUB_EVENT_NAME"),
		EventPath:    getenv("GITHUB_EVENT_PATH"),
		Repository:   getenv("GITHUB_REPOSITORY"),
		RepositoryID: getenv("GITHUB_REPOSITORY_ID"),
		SHA:          getenv("GITHUB_SHA"),
		Ref:          getenv("GITHUB_REF"),
		RefName:      getenv("GITHUB_REF_NAME"),
		ServerURL:    getenv("GITHUB_SERVER_URL"),
		APIURL:       getenv("GITHUB_API_URL"),
		RunID:        getenv("GITHUB_RUN_ID"),
		RunAttempt:   getenv("GITHUB_RUN_ATTEMPT"),
		Actor:        getenv("GITHUB_ACTOR"),
	}
}

// githubPayload is the part of GitHub's webhook payloads the event needs.
type githubPayload struct {
	Action      string             `json:"action"`
	Number      int                `json:"number"`
	PullRequest *githubPullRequest `json:"pull_request"`
	Ref         string             `json:"ref"`
	Before      string             `json:"before"`
	After       string             `json:"after"`
	Created     bool               `json:"created"`
	Deleted     bool               `json:"deleted"`
	Repository  *githubRepo        `json:"repository"`
	Sender      *struct {
		Login string `json:"login"`
	} `json:"sender"`
}

type githubPullRequest struct {
	Number int `json:"number"`
	Labels []struct {
		Name string `json:"name"`
	} `json:"labels"`
	Merged         bool         `json:"merged"`
	MergeCommitSHA *string      `json:"merge_commit_sha"`
	Base           githubBranch `json:"base"`
	Head           githubBranch `json:"head"`
}

type githubBranch struct {
	Ref  string      `json:"ref"`
	SHA  string      `json:"sha"`
	Repo *githubRepo `json:"repo"`
}

type githubRepo struct {
	ID            int64  `json:"id"`
	FullName      string `json:"full_name"`
	DefaultBranch string `json:"default_branch"`
}

func fromGitHub(getenv func(string) string, readFile func(string) ([]byte, error)) (Event, error) {
	env := readGitHubEnv(getenv)
	if env.EventName == "" {
		return Event{}, &EnvError{Var: "GITHUB_EVENT_NAME", Reason: "GitHub Actions sets it in every job; pass --platform local outside CI"}
	}
	var payload []byte
	needPayload := env.EventName == "pull_request" || env.EventName == "pull_request_target" || env.EventName == "push"
	switch {
	case env.EventPath != "":
		b, err := readFile(env.EventPath)
		if err != nil {
			return Event{}, &PayloadError{Event: env.EventName, Path: env.EventPath, Err: err}
		}
		if len(b) > MaxPayloadSize {
			return Event{}, &PayloadError{Event: env.EventName, Path: env.EventPath,
				Err: fmt.Errorf("it is over the limit of %d bytes", MaxPayloadSize)}
		}
		payload = b
	case needPayload:
		return Event{}, &EnvError{Var: "GITHUB_EVENT_PATH", Reason: "the " + env.EventName + " event needs its payload file"}
	}
	return parseGitHub(env, payload)
}

// parseGitHub builds the event from the environment and the payload (nil
// when there is none, allowed for schedule and workflow_dispatch).
func parseGitHub(env githubEnv, payload []byte) (Event, error) {
	perr := func(err error) error {
		return &PayloadError{Event: env.EventName, Path: env.EventPath, Err: err}
	}
	var p githubPayload
	if payload != nil {
		if err := json.Unmarshal(payload, &p); err != nil {
			return Event{}, perr(fmt.Errorf("not a GitHub webhook payload: %w", err))
		}
	}
	e := Event{
		Platform:   GitHub,
		Name:       env.EventName,
		Repository: env.Repository,
		ProjectID:  env.RepositoryID,
		Ref:        env.Ref,
		ServerURL:  strings.TrimRight(orDefault(env.ServerURL, "https://github.com"), "/"),
		APIURL:     strings.TrimRight(orDefault(env.APIURL, "https://api.github.com"), "/"),
		Actor:      env.Actor,
	}
	if r := p.Repository; r != nil {
		if e.Repository == "" {
			e.Repository = r.FullName
		}
		if e.ProjectID == "" && r.ID > 0 {
			e.ProjectID = strconv.FormatInt(r.ID, 10)
		}
		e.DefaultBranch = r.DefaultBranch
	}
	if e.Actor == "" && p.Sender != nil {
		e.Actor = p.Sender.Login
	}
	if e.Repository == "" {
		return Event{}, &EnvError{Var: "GITHUB_REPOSITORY", Reason: "it names the repository as owner/name"}
	}
	if !validRepository(e.Repository) {
		return Event{}, &EnvError{Var: "GITHUB_REPOSITORY", Value: e.Repository, Reason: "expected owner/name"}
	}
	e.RunURL = githubRunURL(e.ServerURL, e.Repository, env.RunID, env.RunAttempt)

	var err error
	switch env.EventName {
	case "pull_request", "pull_request_target":
		err = githubPullRequestEvent(&e, p)
		// pull_request_target runs the base repository's workflow with its
		// secrets and a write token, whatever the head repository.
		e.ForkWithSecrets = e.Fork && env.EventName == "pull_request_target"
	case "push":
		err = githubPushEvent(&e, p)
	case "schedule", "workflow_dispatch":
		e.Kind = KindSchedule
		if env.EventName == "workflow_dispatch" {
			e.Kind = KindManual
		}
		if p.Ref != "" {
			e.Ref = p.Ref
		}
		e.HeadRef = orDefault(env.RefName, shortRef(e.Ref))
		if !validSHA(env.SHA) {
			return Event{}, &EnvError{Var: "GITHUB_SHA", Value: env.SHA, Reason: "expected a full commit SHA"}
		}
		e.HeadSHA = env.SHA
		if e.DefaultBranch == "" && e.Kind == KindSchedule {
			// Scheduled workflows run on the default branch.
			e.DefaultBranch = e.HeadRef
		}
	default:
		return Event{}, &UnsupportedEventError{Platform: GitHub, Name: env.EventName, Supported: githubEvents}
	}
	if err != nil {
		return Event{}, perr(err)
	}
	return e, nil
}

func githubPullRequestEvent(e *Event, p githubPayload) error {
	pr := p.PullRequest
	if pr == nil {
		return errors.New("no pull_request object")
	}
	e.Kind = KindPullRequest
	e.Action = p.Action
	e.Number = p.Number
	if e.Number == 0 {
		e.Number = pr.Number
	}
	if e.Number <= 0 {
		return fmt.Errorf("pull request number %d is not positive", e.Number)
	}
	if !validSHA(pr.Base.SHA) {
		return fmt.Errorf("pull_request.base.sha %q is not a commit SHA", pr.Base.SHA)
	}
	if !validSHA(pr.Head.SHA) {
		return fmt.Errorf("pull_request.head.sha %q is not a commit SHA", pr.Head.SHA)
	}
	e.BaseSHA, e.HeadSHA = pr.Base.SHA, pr.Head.SHA
	e.BaseRef, e.HeadRef = pr.Base.Ref, pr.Head.Ref
	e.Fork = isFork(pr.Base.Repo, pr.Head.Repo)
	names := make([]string, len(pr.Labels))
	for i, l := range pr.Labels {
		names[i] = l.Name
	}
	e.Labels = labels(names)
	if pr.Merged {
		e.Merged = true
		if pr.MergeCommitSHA == nil || !validSHA(*pr.MergeCommitSHA) {
			return errors.New("merged pull request without a valid merge_commit_sha")
		}
		e.MergeSHA = *pr.MergeCommitSHA
	}
	return nil
}

// isFork reports whether the head repository differs from the base one. A
// missing head repository (a deleted fork) counts as a fork.
func isFork(base, head *githubRepo) bool {
	if head == nil || base == nil {
		return true
	}
	if base.ID > 0 && head.ID > 0 {
		return base.ID != head.ID
	}
	return !strings.EqualFold(base.FullName, head.FullName)
}

func githubPushEvent(e *Event, p githubPayload) error {
	e.Kind = KindPush
	if p.Ref == "" {
		return errors.New("push without a ref")
	}
	e.Ref = p.Ref
	e.HeadRef = shortRef(p.Ref)
	switch {
	case isZeroSHA(p.After) || p.Deleted:
		e.Deleted = true
	case validSHA(p.After):
		e.HeadSHA = p.After
	default:
		return fmt.Errorf("after %q is not a commit SHA", p.After)
	}
	switch {
	case isZeroSHA(p.Before) || p.Created:
		e.NewBranch = true
	case validSHA(p.Before):
		e.BaseSHA = p.Before
	default:
		return fmt.Errorf("before %q is not a commit SHA", p.Before)
	}
	return nil
}

func githubRunURL(server, repo, runID, attempt string) string {
	if runID == "" {
		return ""
	}
	u := fmt.Sprintf("%s/%s/actions/runs/%s", server, repo, runID)
	if n, err := strconv.Atoi(attempt); err == nil && n > 1 {
		u += "/attempts/" + attempt
	}
	return u
}

// validRepository reports whether s looks like owner/name.
func validRepository(s string) bool {
	owner, name, ok := strings.Cut(s, "/")
	return ok && owner != "" && name != "" && !strings.ContainsAny(s, " \t\r\n") && !strings.Contains(name, "/")
}

// ReadPayload reads an event payload file, at most one byte past
// MaxPayloadSize, so that an oversized file is refused without being held
// in memory whole.
func ReadPayload(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxPayloadSize+1))
}
