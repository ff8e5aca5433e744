package runner

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/runner/runnertest"
)

// hostileLines are lines a plan, a Helm diff or a live cluster value can
// hold, each of which the runner would carry out if printed as they are.
var hostileLines = []string{
	"::stop-commands::attacker",
	"::attacker::",
	"::error file=main.tf,line=1::the plan failed, re-run with debug",
	"##[add-mask]visible-secret",
	"::add-mask::visible-secret",
	"::set-output name=has-changes::false",
	"  ::warning::indented",
	"prefix ##[set-output name=exit-code]0",
	"::ADD-MASK::upper case",
}

// The report printed to the GitHub log, the folded stack logs and errors
// carried the text of plans, diffs and cluster values as it is: a line such
// as "::stop-commands::x" or "##[add-mask]..." in them was carried out by
// the runner. Written through an UntrustedWriter, none is.
func TestUntrustedTextIsNeverAWorkflowCommand(t *testing.T) {
	text := "  # terraform_data.x will be created\n" +
		strings.Join(hostileLines, "\n") + "\n" +
		"+  GREETING: \"" + strings.Join(hostileLines, "\r") + "\"\n"
	writes := map[string][]string{
		"one write":                  {text},
		"line by line":               strings.SplitAfter(text, "\n"),
		"no final line end":          {strings.TrimSuffix(text, "\n"), "after\n"},
		"split inside a command":     {"ok\n:", ":add-mask::x\n", "#", "#[error]y\n"},
		"after a line with no end":   {"progress 50%", "::error::z\n"},
		"a fence-like resume token":  {"::tierdeploy_00000000000000000000000000000000::\n::error::w\n"},
		"carriage returns as breaks": {"a\r::error::cr\rb\n"},
	}
	for name, ws := range writes {
		t.Run(name, func(t *testing.T) {
			var log bytes.Buffer
			u := NewUntrustedWriter(&log, nil)
			for _, w := range ws {
				n, err := u.Write([]byte(w))
				require.NoError(t, err)
				require.Equal(t, len(w), n)
			}
			foreign := runnertest.Foreign(log.String(), func(runnertest.Command) bool { return false })
			assert.Empty(t, foreign, "log:\n%s", log.String())
			for _, w := range ws {
				for _, l := range strings.FieldsFunc(w, func(r rune) bool { return r == '\n' || r == '\r' }) {
					assert.Contains(t, log.String(), l, "the text is still shown")
				}
			}
		})
	}
}

// The program's own commands, written around fenced text, still work.
func TestOwnCommandsAroundUntrustedText(t *testing.T) {
	var log bytes.Buffer
	g := NewGitHub(GitHubOptions{Stdout: &log, Getenv: func(string) string { return "" }})
	u := NewUntrustedWriter(&log, nil)
	require.NoError(t, g.Group("plan infrastructure/prod"))
	_, err := u.Write([]byte(strings.Join(hostileLines, "\n") + "\n"))
	require.NoError(t, err)
	require.NoError(t, g.EndGroup())
	require.NoError(t, g.AddMask("real-secret"))
	_, err = u.Write([]byte("no command here\n"))
	require.NoError(t, err)

	var names []string
	for _, c := range runnertest.Commands(log.String()) {
		if c.Name != "stop-commands" && !c.Resume {
			names = append(names, c.Name+" "+c.Data)
		}
	}
	assert.Equal(t, []string{"group plan infrastructure/prod", "endgroup ", "add-mask real-secret"}, names)
	assert.True(t, strings.HasSuffix(log.String(), "::add-mask::real-secret\nno command here\n"), "plain text passes unfenced")
}

func TestUntrustedWriterErrors(t *testing.T) {
	u := NewUntrustedWriter(&bytes.Buffer{}, strings.NewReader("short"))
	_, err := u.Write([]byte("::error::x\n"))
	require.ErrorContains(t, err, "make a stop-commands token")

	u = NewUntrustedWriter(failWriter{}, nil)
	_, err = u.Write([]byte("plain\n"))
	require.Error(t, err)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

// Text with "::" that no runner reads as a command (an ARN, an IPv6
// address, indented JSON) passes unchanged, so JSON on standard output can
// still be piped.
func TestUntrustedWriterLeavesOrdinaryTextAlone(t *testing.T) {
	for _, text := range []string{
		`{"role":"arn:aws:iam::123456789012:role/deploy","ip":"::1"}` + "\n",
		"{\n  \"role\": \"arn:aws:iam::1:role/x\"\n}\n",
		"time=12:00 msg=\"a :: b\"\n",
		"# not ## [a command]\n",
	} {
		var log bytes.Buffer
		_, err := NewUntrustedWriter(&log, nil).Write([]byte(text))
		require.NoError(t, err)
		assert.Equal(t, text, log.String())
	}
	var log bytes.Buffer
	_, err := NewUntrustedWriter(&log, nil).Write([]byte(`{"value":"##[add-mask]x"}` + "\n"))
	require.NoError(t, err)
	assert.Contains(t, log.String(), "::stop-commands::")
}

// FuzzUntrustedWriter: whatever is written, in whatever pieces, the runner
// carries out none of it, and all of it is still in the log.
func FuzzUntrustedWriter(f *testing.F) {
	f.Add("::add-mask::x\n", 3)
	f.Add("a ##[error]b\r::stop-commands::t\n::t::\n", 1)
	f.Add(" \u2003::warning::wide space\n", 2)
	f.Add("#", 1)
	f.Fuzz(func(t *testing.T, text string, piece int) {
		piece = max(1, piece%64+1)
		var log bytes.Buffer
		u := NewUntrustedWriter(&log, nil)
		for i := 0; i < len(text); i += piece {
			_, err := u.Write([]byte(text[i:min(len(text), i+piece)]))
			require.NoError(t, err)
		}
		if foreign := runnertest.Foreign(log.String(), func(runnertest.Command) bool { return false }); len(foreign) > 0 {
			t.Fatalf("carried out %v from %q:\n%s", foreign, text, log.String())
		}
	})
}
