package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/console"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/event"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// This file wires plan, apply and drift to internal/deploy: the console,
// the dependencies, the work directory, the view of the report and the
// publisher.

// newConsole returns the console of a flow and makes its log the
// command's: on a terminal one live line per stack, in CI a group per
// stack, else every line at once.
func (a *invocation) newConsole(title string) *console.Console {
	o := console.Options{Out: a.deps.Stderr, JSON: a.globals.logFormat == "json", Verbose: a.globals.verbose,
		Title: title, Tick: time.Second}
	switch {
	case a.sess != nil && a.sess.ci():
		o.Mode, o.Grouper = console.Fold, a.sess.runner
	case o.JSON || a.deps.Terminal == nil:
	default:
		if tty, width := a.deps.Terminal(a.deps.Stderr); tty {
			o.Mode, o.Width = console.Live, width
			o.Color = a.deps.Getenv("NO_COLOR") == "" && a.deps.Getenv("TERM") != "dumb"
		}
	}
	c := console.New(o)
	a.log = c.Logger()
	return c
}

// flowDeps returns what every flow needs. An error is a bad tool source
// setting (see toolchain).
func (a *invocation) flowDeps(cfg *config.Config, c *console.Console) (deploy.Deps, error) {
	tools, err := a.toolchain(cfg)
	if err != nil {
		return deploy.Deps{}, err
	}
	d := deploy.Deps{Config: cfg, Tools: tools, Log: a.log, Now: time.Now,
		LookupEnv: a.lookupEnv, KubeContext: a.kubeContext}
	if a.sess != nil && a.sess.runner != nil {
		d.Masker = a.sess.runner
	}
	if c != nil {
		d.Console = consoleAdapter{c}
	}
	return d, nil
}

// workDir is a run's directory for plan files and data directories,
// outside the repository.
type workDir struct{ dir string }

func newWorkDir() (*workDir, error) {
	dir, err := os.MkdirTemp("", "tierdeploy-")
	if err != nil {
		return nil, fmt.Errorf("create work directory: %w", err)
	}
	return &workDir{dir: dir}, nil
}

func (w *workDir) remove() { _ = os.RemoveAll(w.dir) }

// pluginCache is TF_PLUGIN_CACHE_DIR, else a cache in the work directory.
func (a *invocation) pluginCache(w *workDir) string {
	if c := a.deps.Getenv("TF_PLUGIN_CACHE_DIR"); c != "" {
		return c
	}
	return filepath.Join(w.dir, "plugin-cache")
}

// view returns how the outcome is shown on this platform.
func (a *invocation) view(cfg *config.Config, commit, reportPath string, code int) deploy.View {
	s := a.sess
	return deploy.View{
		Environments: cfg.EnvironmentNames(), Commit: commit, CI: s.ci(),
		Budget: s.budget(), Hint: fullOutputHint(s.ev), ExitCode: code,
		ReportPath: s.outputPath(reportPath, a.deps.Getenv),
	}
}

// publisher returns the publisher of a flow's report. print writes the
// report to standard output; file is the --report flag. The report's
// directory is checked (see reportPath) before anything is run, and again
// here.
func (a *invocation) publisher(cfg *config.Config, print bool, file string) (*deploy.Publisher, string, error) {
	path, err := a.reportPath(cfg, file)
	if err != nil {
		return nil, "", err
	}
	return &deploy.Publisher{
		Runner: a.sess.runner, Host: lazyHost{a.sess}, Stdout: a.deps.Stdout, Log: a.log,
		WriteFile: writeReportFile, Print: print, ReportFile: path,
	}, path, nil
}

// reportPath returns where the report file goes: file (the --report flag,
// relative to the work directory), else the platform's default, in the
// CI workspace. A report directory in the repository or the workspace that
// leads outside it through a symbolic link, which a change can commit
// (.tierdeploy linked to a directory of the runner), is refused
// (repofs.ErrEscape, bad input): the report would be written outside the
// checkout.
func (a *invocation) reportPath(cfg *config.Config, file string) (string, error) {
	path := file
	if path != "" && !filepath.IsAbs(path) {
		dir, err := a.workDir()
		if err != nil {
			return "", err
		}
		path = filepath.Join(dir, path)
	}
	if path == "" {
		path = a.sess.reportPath(a.deps.Getenv)
	}
	if path == "" {
		return "", nil
	}
	if err := containedFile(existingAncestor(filepath.Dir(path)), cfg.Root, repositoryTop(cfg.Root), a.sess.workspace(a.deps.Getenv)); err != nil {
		return "", fmt.Errorf("report file %s: %w", path, err)
	}
	return path, nil
}

// existingAncestor returns dir, or its closest ancestor that exists: what
// creating the report's directory would go through.
func existingAncestor(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || filepath.Dir(d) == d {
			return d
		}
	}
}

// writeReportFile writes the report, creating its directory.
func writeReportFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(path, data, 0o644)
}

// fullOutputHint says where the full report is when a comment had to be cut.
func fullOutputHint(ev event.Event) string {
	if ev.RunURL != "" {
		return ev.RunURL
	}
	return "the job summary"
}

// budget is the largest comment body the platform accepts.
func (s *session) budget() int {
	switch s.ev.Platform {
	case event.GitHub:
		return report.GitHubBudget
	case event.GitLab:
		return report.GitLabBudget
	}
	return 0
}

// lazyHost is the platform's API, built on first use: a run that posts
// nothing needs no token.
type lazyHost struct{ s *session }

func (h lazyHost) MergedChange(ctx context.Context, sha string) (int, bool, error) {
	host, err := h.s.codeHost(ctx)
	if err != nil {
		return 0, false, err
	}
	return host.MergedChange(ctx, sha)
}

func (h lazyHost) FindComment(ctx context.Context, number int, marker string) (scm.Comment, bool, error) {
	host, err := h.s.codeHost(ctx)
	if err != nil {
		return scm.Comment{}, false, err
	}
	return host.FindComment(ctx, number, marker)
}

func (h lazyHost) UpsertComment(ctx context.Context, number int, marker, body string) (scm.Result, error) {
	host, err := h.s.codeHost(ctx)
	if err != nil {
		return scm.Result{}, err
	}
	return host.UpsertComment(ctx, number, marker, body)
}

func (h lazyHost) SyncIssues(ctx context.Context, sync scm.IssueSync) ([]scm.Result, error) {
	host, err := h.s.codeHost(ctx)
	if err != nil {
		return nil, err
	}
	return host.SyncIssues(ctx, sync)
}

// consoleAdapter shows a flow's stacks on the console.
type consoleAdapter struct{ c *console.Console }

func (x consoleAdapter) Begin(stacks []plan.Stack) {
	keys := make([]string, len(stacks))
	for i, s := range stacks {
		keys[i] = s.String()
	}
	x.c.Begin(keys)
}

func (x consoleAdapter) Logger(s plan.Stack) *slog.Logger { return x.c.StackLogger(s.String()) }

func (x consoleAdapter) Started(s plan.Stack) { x.c.Started(s.String()) }

func (x consoleAdapter) Finished(s plan.Stack, o *deploy.StackOutcome) {
	x.c.Finished(s.String(), stackStatus(o))
}

// stackStatus says in a few words how a stack ended, for its line.
func stackStatus(o *deploy.StackOutcome) console.Status {
	st := console.Status{Secrets: o.Secrets()}
	c := o.Counts()
	counts := fmt.Sprintf("+%d ~%d -%d", c.Add+c.Replace, c.Change, c.Destroy+c.Replace)
	switch {
	case o.Failed():
		st.State = console.Failed
		if err := o.Failure(); err != nil {
			st.Text = "failed: " + strings.TrimSpace(err.Error())
		}
	case o.Skip != nil:
		st.State, st.Text = console.Skipped, o.Skip.String()
	case o.HasChanges():
		st.State, st.Text = console.Changed, counts
		if c.Total() == 0 {
			st.Text = "changes to outputs only"
		}
	default:
		st.State, st.Text = console.Done, "no changes"
	}
	return st
}
