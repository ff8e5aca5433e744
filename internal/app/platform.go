package app

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/runner"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// CIRunner speaks the CI runner's protocol (internal/runner): log folding,
// outputs, the job summary, secret masks and annotations.
type CIRunner interface {
	Group(title string) error
	EndGroup() error
	SetOutput(name, value string) error
	AppendSummary(markdown string) (cut bool, err error)
	AddMask(secret string) error
	Annotate(a runner.Annotation) error
}

// commenter keeps one comment per marker on a pull or merge request.
type commenter interface {
	UpsertComment(ctx context.Context, number int, marker, body string) (scm.Result, error)
}

// fileLister lists changed files through the platform's API, for clones
// whose history is too shallow.
type fileLister interface {
	ChangedFiles(ctx context.Context, number int) ([]changes.Change, error)
	CompareFiles(ctx context.Context, base, head string) ([]changes.Change, error)
}

// reviewFinder finds the pull or merge request merged as a commit and reads
// its report comment.
type reviewFinder interface {
	MergedChange(ctx context.Context, sha string) (number int, found bool, err error)
	FindComment(ctx context.Context, number int, marker string) (scm.Comment, bool, error)
}

// issueSyncer keeps one issue per drifting stack.
type issueSyncer interface {
	SyncIssues(ctx context.Context, s scm.IssueSync) ([]scm.Result, error)
}

// CodeHost is the platform's API (internal/scm/github, internal/scm/gitlab).
type CodeHost interface {
	commenter
	fileLister
	reviewFinder
	issueSyncer
	labelReader
}

// session is what the run knows about the platform it runs on.
type session struct {
	ev     event.Event
	runner CIRunner
	// host is the platform's API, built on first use (it needs a token);
	// hostErr is why it could not be.
	host    CodeHost
	hostErr error
	built   bool
	newHost func(ctx context.Context, ev event.Event) (CodeHost, error)
}

// ci reports whether the run is on a CI platform.
func (s *session) ci() bool { return s.ev.Platform != event.Local }

// codeHost returns the platform's API, building it once.
func (s *session) codeHost(ctx context.Context) (CodeHost, error) {
	if !s.built {
		s.built = true
		switch {
		case !s.ci():
			s.hostErr = errors.New("no platform API when running locally")
		case s.newHost == nil:
			s.hostErr = errors.New("no platform API configured")
		default:
			s.host, s.hostErr = s.newHost(ctx, s.ev)
		}
	}
	return s.host, s.hostErr
}

// session detects the platform and reads the event.
func (a *invocation) session(ctx context.Context) (*session, error) {
	p, err := event.Detect(a.globals.platform, a.deps.Getenv)
	if err != nil {
		return nil, usagef("%v", err)
	}
	readFile := a.deps.ReadFile
	if readFile == nil {
		readFile = event.ReadPayload
	}
	ev, err := event.FromEnv(ctx, p, a.deps.Getenv, readFile)
	if err != nil {
		return nil, err
	}
	s := &session{ev: ev, newHost: a.deps.NewCodeHost}
	if a.deps.NewRunner != nil {
		s.runner = a.deps.NewRunner(ev)
	}
	if s.runner == nil {
		s.runner = runner.NewLocal(runner.LocalOptions{Stderr: io.Discard})
	}
	if s.ci() {
		a.log.Info("running in CI", "event", ev.String(), "base", ev.BaseSHA, "head", ev.HeadSHA)
	}
	a.sess = s
	return s, nil
}

// defaultRange returns the base and head of the event: the pull request's
// base and head, or the push's before and after. A new branch, a schedule and
// a manual run compare with the default branch.
func (s *session) defaultRange() (base, head string, ok bool) {
	ev := s.ev
	switch {
	case ev.Kind == event.KindPullRequest && ev.BaseSHA != "":
		return ev.BaseSHA, ev.HeadSHA, true
	case ev.Kind == event.KindPush && ev.BaseSHA != "" && !ev.NewBranch:
		return ev.BaseSHA, ev.HeadSHA, true
	case ev.DefaultBranch != "":
		return "origin/" + ev.DefaultBranch, ev.HeadSHA, true
	}
	return "", "", false
}

// apiChanges lists the event's changed files through the platform's API, for
// a clone whose history does not hold the base.
func (s *session) apiChanges(ctx context.Context, base, head string) ([]changes.Change, error) {
	host, err := s.codeHost(ctx)
	if err != nil {
		return nil, err
	}
	if s.ev.Kind == event.KindPullRequest && s.ev.Number > 0 {
		return host.ChangedFiles(ctx, s.ev.Number)
	}
	return host.CompareFiles(ctx, base, head)
}

// reportPath returns where the full report goes when --report is not given:
// a file the CI job can keep as an artifact, or none locally.
func (s *session) reportPath(getenv func(string) string) string {
	switch s.ev.Platform {
	case event.GitHub:
		if d := getenv("GITHUB_WORKSPACE"); d != "" {
			return filepath.Join(d, ".tierdeploy", "report.md")
		}
		if d := getenv("RUNNER_TEMP"); d != "" {
			return filepath.Join(d, "tierdeploy", "report.md")
		}
	case event.GitLab:
		if d := getenv("CI_PROJECT_DIR"); d != "" {
			return filepath.Join(d, ".tierdeploy", "report.md")
		}
	}
	return ""
}

// outputPath returns the report path as later steps see it: relative to the
// workspace when inside it (a docker action's /github/workspace is another
// path on the runner), else as is.
func (s *session) outputPath(path string, getenv func(string) string) string {
	ws := getenv("GITHUB_WORKSPACE")
	if s.ev.Platform == event.GitLab {
		ws = getenv("CI_PROJECT_DIR")
	}
	if ws == "" || path == "" {
		return path
	}
	if rel, err := filepath.Rel(ws, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return path
}

// annotateConfig turns configuration problems into annotations on the
// file, so they show on the pull request's diff.
func annotateConfig(r CIRunner, err error, file string) {
	var errs *config.Errors
	if !errors.As(err, &errs) {
		return
	}
	for _, p := range errs.Problems {
		msg := p.Message
		if p.Key != "" {
			msg = p.Key + ": " + msg
		}
		_ = r.Annotate(runner.Annotation{File: file, Line: p.Pos.Line, Col: p.Pos.Column, Title: "tierdeploy configuration", Message: msg})
	}
}

// changeNumber is the pull or merge request the run is for; 0 when the
// event is not one.
func (s *session) changeNumber() int {
	if !s.ev.IsChange() {
		return 0
	}
	return s.ev.Number
}
