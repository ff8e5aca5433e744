package runner

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// SummaryLimit is the most a GitHub step summary may hold: 1 MiB.
const SummaryLimit = 1 << 20

// GitHubOptions configures a GitHub runner.
type GitHubOptions struct {
	// Stdout receives workflow commands (the job log); nil means os.Stdout.
	Stdout io.Writer
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Rand makes the delimiters of outputs; nil means crypto/rand.
	Rand io.Reader

	// SummaryLimit is the most bytes the step summary may hold; 0 means
	// SummaryLimit.
	SummaryLimit int
	// CutNotice ends a summary that had to be cut; empty means a sentence
	// pointing to the job log.
	CutNotice string
}

// GitHub speaks the GitHub Actions runner protocol: workflow commands on
// standard output and the environment files GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY.
type GitHub struct {
	out    io.Writer
	getenv func(string) string
	rand   io.Reader
	limit  int
	notice string
	action *githubactions.Action
}

// NewGitHub returns a GitHub runner.
func NewGitHub(o GitHubOptions) *GitHub {
	g := &GitHub{out: o.Stdout, getenv: o.Getenv, rand: o.Rand, limit: o.SummaryLimit, notice: o.CutNotice}
	if g.out == nil {
		g.out = os.Stdout
	}
	if g.getenv == nil {
		g.getenv = os.Getenv
	}
	if g.rand == nil {
		g.rand = rand.Reader
	}
	if g.limit <= 0 {
		g.limit = SummaryLimit
	}
	if g.notice == "" {
		g.notice = "> [!NOTE]\n> This summary was cut at GitHub's 1 MiB limit; the full report is in the job log.\n"
	}
	g.action = githubactions.New(githubactions.WithGetenv(g.getenv), githubactions.WithWriter(g.out))
	return g
}

// Input returns the action input name (from INPUT_<NAME>), trimmed; empty
// when it is not set.
func (g *GitHub) Input(name string) string { return g.action.GetInput(name) }

// command writes one workflow command to the log. The library encodes it;
// writing it here keeps write errors as errors rather than panics.
func (g *GitHub) command(c *githubactions.Command) error {
	if _, err := io.WriteString(g.out, c.String()+"\n"); err != nil {
		return fmt.Errorf("write workflow command %s: %w", c.Name, err)
	}
	return nil
}

// Group starts a foldable group of log lines titled title, up to EndGroup.
// The title is made one line safe for the log viewer (termtext.Line).
func (g *GitHub) Group(title string) error {
	return g.command(&githubactions.Command{Name: "group", Message: termtext.Line(title)})
}

// EndGroup ends the group that Group started.
func (g *GitHub) EndGroup() error {
	return g.command(&githubactions.Command{Name: "endgroup"})
}

// AddMask makes the runner print *** in place of secret in the rest of the
// job log. Each line of a multi-line secret is masked on its own, since the
// log is matched line by line; blank lines are skipped.
func (g *GitHub) AddMask(secret string) error {
	for line := range strings.SplitSeq(secret, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := g.command(&githubactions.Command{Name: "add-mask", Message: line}); err != nil {
			return err
		}
	}
	return nil
}

// Annotate shows a message on a file and line in the workflow run and the
// pull request's changed files. The command's encoding keeps it on one
// line, but not escape sequences: the file, title and message (which quote
// configuration values and file names) are made safe for the log viewer
// first (termtext), the message keeping its lines.
func (g *GitHub) Annotate(a Annotation) error {
	a.File, a.Title = termtext.Line(a.File), termtext.Line(a.Title)
	a.Message = termtext.Block(a.Message)
	props := githubactions.CommandProperties{}
	if a.File != "" {
		props["file"] = a.File
	}
	if a.Line > 0 {
		props["line"] = strconv.Itoa(a.Line)
	}
	if a.Col > 0 {
		props["col"] = strconv.Itoa(a.Col)
	}
	if a.Title != "" {
		props["title"] = a.Title
	}
	return g.command(&githubactions.Command{Name: string(a.level()), Message: a.Message, Properties: props})
}

// StopCommands makes the runner ignore workflow commands until
// ResumeCommands is called with the returned token. Wrap output that the
// program does not control (tool logs) in it, so that text such as
// "::add-mask::" there has no effect.
func (g *GitHub) StopCommands() (string, error) {
	tok, err := g.token()
	if err != nil {
		return "", err
	}
	return tok, g.command(&githubactions.Command{Name: "stop-commands", Message: tok})
}

// ResumeCommands ends what StopCommands started.
func (g *GitHub) ResumeCommands(token string) error {
	return g.command(&githubactions.Command{Name: token})
}

// SetOutput appends the step output name=value to the GITHUB_OUTPUT file,
// in the multi-line form with a random delimiter that the value does not
// contain.
func (g *GitHub) SetOutput(name, value string) error {
	if name == "" || strings.ContainsAny(name, "\r\n=<") {
		return &OutputError{Name: name, Reason: "a name is one line without '=' or '<'"}
	}
	path := g.getenv("GITHUB_OUTPUT")
	if path == "" {
		return &MissingFileError{Var: "GITHUB_OUTPUT"}
	}
	var delim string
	for range 3 {
		tok, err := g.token()
		if err != nil {
			return err
		}
		if !strings.Contains(value, tok) && !strings.Contains(name, tok) {
			delim = tok
			break
		}
	}
	if delim == "" {
		return &OutputError{Name: name, Reason: "no delimiter found that the value does not contain"}
	}
	entry := name + "<<" + delim + "\n" + value + "\n" + delim + "\n"
	if err := appendFile(path, []byte(entry)); err != nil {
		return fmt.Errorf("set output %s: %w", name, err)
	}
	return nil
}

// AppendSummary appends markdown to the job summary (GITHUB_STEP_SUMMARY).
// When the summary would exceed its limit the markdown is cut at a line
// boundary, an open code fence is closed and a notice is added; cut then
// reports true.
func (g *GitHub) AppendSummary(markdown string) (cut bool, err error) {
	path := g.getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return false, &MissingFileError{Var: "GITHUB_STEP_SUMMARY"}
	}
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	text, cut := fitSummary(markdown, g.limit-int(size), g.notice)
	if text == "" {
		return cut, nil
	}
	if err := appendFile(path, []byte(text)); err != nil {
		return cut, fmt.Errorf("write the job summary: %w", err)
	}
	return cut, nil
}

func (g *GitHub) token() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(g.rand, b); err != nil {
		return "", fmt.Errorf("make a delimiter: %w", err)
	}
	return "tierdeploy_" + hex.EncodeToString(b), nil
}

func appendFile(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
