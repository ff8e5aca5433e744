package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestGitHub returns a GitHub runner whose log is the returned buffer and
// whose output and summary files are in a temporary directory.
func newTestGitHub(t *testing.T, env map[string]string, o GitHubOptions) (*GitHub, *bytes.Buffer, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	full := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(dir, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
	}
	for k, v := range env {
		full[k] = v
	}
	var log bytes.Buffer
	o.Stdout = &log
	o.Getenv = func(k string) string { return full[k] }
	return NewGitHub(o), &log, full
}

// parseOutputs reads a GITHUB_OUTPUT file the way the runner does.
func parseOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]string{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		name, delim, ok := strings.Cut(lines[i], "<<")
		require.True(t, ok, "line %q is not name<<delimiter", lines[i])
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		require.Less(t, i, len(lines), "delimiter %q never closed", delim)
		out[name] = strings.Join(val, "\n")
	}
	return out
}

func TestGitHubInput(t *testing.T) {
	g, _, _ := newTestGitHub(t, map[string]string{"INPUT_GITHUB-TOKEN": "  ghs_abc \n", "INPUT_WORKING_DIRECTORY": "infra"}, GitHubOptions{})
	assert.Equal(t, "ghs_abc", g.Input("github-token"))
	assert.Equal(t, "infra", g.Input("working directory"))
	assert.Empty(t, g.Input("missing"))
}

func TestGitHubSetOutput(t *testing.T) {
	// The first delimiter the fake randomness yields appears in the matrix
	// value, so SetOutput must pick the next one.
	first := "tierdeploy_" + strings.Repeat("61", 16)
	rnd := bytes.NewReader(append(bytes.Repeat([]byte("a"), 16*3), bytes.Repeat([]byte("b"), 16*2)...))
	g, _, env := newTestGitHub(t, nil, GitHubOptions{Rand: rnd})
	values := map[string]string{
		"has-changes": "true",
		"stacks":      "infrastructure/prod\nproject/prod",
		"matrix":      `{"include":[{"tier":"infrastructure","environment":"` + first + `"}]}`,
		"exit-code":   "",
	}
	for _, k := range []string{"has-changes", "stacks", "matrix", "exit-code"} {
		require.NoError(t, g.SetOutput(k, values[k]))
	}
	assert.Equal(t, values, parseOutputs(t, env["GITHUB_OUTPUT"]))
}

func TestGitHubSetOutputErrors(t *testing.T) {
	g, _, _ := newTestGitHub(t, map[string]string{"GITHUB_OUTPUT": ""}, GitHubOptions{})
	var missing *MissingFileError
	require.ErrorAs(t, g.SetOutput("stacks", "x"), &missing)
	assert.Equal(t, "GITHUB_OUTPUT", missing.Var)

	g, _, _ = newTestGitHub(t, nil, GitHubOptions{})
	var oerr *OutputError
	assert.ErrorAs(t, g.SetOutput("a\nb", "x"), &oerr)
	assert.ErrorAs(t, g.SetOutput("", "x"), &oerr)

	g, _, _ = newTestGitHub(t, nil, GitHubOptions{Rand: bytes.NewReader(nil)})
	assert.ErrorContains(t, g.SetOutput("a", "x"), "make a delimiter")
}

func TestGitHubCommands(t *testing.T) {
	g, log, _ := newTestGitHub(t, nil, GitHubOptions{Rand: bytes.NewReader(bytes.Repeat([]byte{0xab}, 16))})
	require.NoError(t, g.Group("plan infrastructure/prod"))
	require.NoError(t, g.EndGroup())
	require.NoError(t, g.AddMask("s3cr%t"))
	require.NoError(t, g.AddMask("-----BEGIN KEY-----\r\nabc\n\n  \nend"))
	require.NoError(t, g.AddMask(""))
	require.NoError(t, g.Annotate(Annotation{File: "tierdeploy.yaml", Line: 12, Col: 3, Title: "config", Message: "unknown key \"tierz\"\nsee docs: 100%"}))
	require.NoError(t, g.Annotate(Annotation{Level: LevelWarning, File: "a,b:c.yaml", Message: "w"}))
	tok, err := g.StopCommands()
	require.NoError(t, err)
	require.NoError(t, g.ResumeCommands(tok))

	want := strings.Join([]string{
		"::group::plan infrastructure/prod",
		"::endgroup::",
		"::add-mask::s3cr%25t",
		"::add-mask::-----BEGIN KEY-----",
		"::add-mask::abc",
		"::add-mask::end",
		`::error col=3,file=tierdeploy.yaml,line=12,title=config::unknown key "tierz"%0Asee docs: 100%25`,
		"::warning file=a%2Cb%3Ac.yaml::w",
		"::stop-commands::tierdeploy_abababababababababababababababab",
		"::tierdeploy_abababababababababababababababab::",
		"",
	}, "\n")
	assert.Equal(t, want, log.String())
}

func TestGitHubAppendSummary(t *testing.T) {
	t.Run("fits", func(t *testing.T) {
		g, _, env := newTestGitHub(t, nil, GitHubOptions{})
		cut, err := g.AppendSummary("# Plan\n")
		require.NoError(t, err)
		assert.False(t, cut)
		cut, err = g.AppendSummary("| a | b |\n")
		require.NoError(t, err)
		assert.False(t, cut)
		b, err := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
		require.NoError(t, err)
		assert.Equal(t, "# Plan\n| a | b |\n", string(b))
	})
	t.Run("cut under the limit with the fence closed", func(t *testing.T) {
		const limit = 300
		g, _, env := newTestGitHub(t, nil, GitHubOptions{SummaryLimit: limit, CutNotice: "CUT\n"})
		_, err := g.AppendSummary("# Report\n")
		require.NoError(t, err)
		md := "```diff\n" + strings.Repeat("+ resource \"x\" {}\n", 40) + "```\n"
		cut, err := g.AppendSummary(md)
		require.NoError(t, err)
		assert.True(t, cut)
		b, err := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
		require.NoError(t, err)
		s := string(b)
		assert.LessOrEqual(t, len(s), limit)
		assert.True(t, strings.HasPrefix(s, "# Report\n```diff\n+ resource"))
		assert.True(t, strings.HasSuffix(s, "```\n\nCUT\n"), "got %q", s)
		assert.False(t, openFence(s))
	})
	t.Run("full summary gets nothing more", func(t *testing.T) {
		g, _, env := newTestGitHub(t, nil, GitHubOptions{SummaryLimit: 10, CutNotice: "CUT\n"})
		require.NoError(t, os.WriteFile(env["GITHUB_STEP_SUMMARY"], []byte("0123456789"), 0o644))
		cut, err := g.AppendSummary("more")
		require.NoError(t, err)
		assert.True(t, cut)
		b, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
		assert.Equal(t, "0123456789", string(b))
	})
	t.Run("missing file variable", func(t *testing.T) {
		g, _, _ := newTestGitHub(t, map[string]string{"GITHUB_STEP_SUMMARY": ""}, GitHubOptions{})
		_, err := g.AppendSummary("x")
		var missing *MissingFileError
		assert.ErrorAs(t, err, &missing)
	})
}

func TestFitSummary(t *testing.T) {
	tests := []struct {
		name     string
		markdown string
		avail    int
		want     string
		cut      bool
	}{
		{"fits exactly", "abc\n", 4, "abc\n", false},
		{"whole lines", "line one\nline two\nline three\n", 20, "line one\n\nN\n", true},
		{"one long line, multi-byte", strings.Repeat("é", 20), 14, "ééé\n\nN\n", true},
		{"only the notice fits", "0123456789", 3, "N\n", true},
		{"nothing fits", "0123456789", 1, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := fitSummary(tt.markdown, tt.avail, "N\n")
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.cut, cut)
			assert.LessOrEqual(t, len(got), max(tt.avail, 0))
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestGitHubSummaryLimitIsOneMiB(t *testing.T) {
	g, _, env := newTestGitHub(t, nil, GitHubOptions{})
	big := strings.Repeat(strings.Repeat("x", 99)+"\n", 11000) // 1.1 MB
	cut, err := g.AppendSummary(big)
	require.NoError(t, err)
	assert.True(t, cut)
	fi, err := os.Stat(env["GITHUB_STEP_SUMMARY"])
	require.NoError(t, err)
	assert.LessOrEqual(t, fi.Size(), int64(1<<20))
	assert.Greater(t, fi.Size(), int64(1<<20-200))
}
