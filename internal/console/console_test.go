package console

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/golden"
)

// clock is a clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// grouper records groups as the CI runner would print them.
type grouper struct{ out *bytes.Buffer }

func (g grouper) Group(title string) error { g.out.WriteString("::group::" + title + "\n"); return nil }
func (g grouper) EndGroup() error          { g.out.WriteString("::endgroup::\n"); return nil }
func (g grouper) AddMask(s string) error {
	g.out.WriteString("mask " + strings.Repeat("x", len(s)) + "\n")
	return nil
}

const secret = "hunter2hunter2"

// run plays a plan of three stacks: one done, one failed whose tool said
// the secret, one skipped.
func run(t *testing.T, o Options) string {
	t.Helper()
	var out bytes.Buffer
	c := &clock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	o.Out, o.Now, o.Title = &out, c.Now, "plan"
	con := New(o)
	con.Begin([]string{"infrastructure/prod", "project/prod", "monitoring/prod"})
	con.Started("infrastructure/prod")
	con.Started("monitoring/prod")
	con.StackLogger("infrastructure/prod").Info("terraform plan started", "stack", "infrastructure/prod")
	con.StackLogger("monitoring/prod").Info("helm diff", "password", secret)
	con.Logger().Warn("the change comes from a fork")
	c.add(3 * time.Second)
	con.Finished("monitoring/prod", Status{State: Done, Text: "no changes", Secrets: []string{secret}})
	c.add(9 * time.Second)
	con.StackLogger("infrastructure/prod").Error("Error: Invalid value " + secret)
	con.Finished("infrastructure/prod", Status{State: Failed, Text: "failed: Error: Invalid value " + secret + "\nsecond line", Secrets: []string{secret}})
	con.Finished("project/prod", Status{State: Skipped, Text: "not planned: it needs infrastructure/prod, which failed"})
	con.Close()
	con.Close()
	return timeless(out.String())
}

// timeless removes slog's timestamps.
func timeless(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if i := strings.Index(line, "time="); i >= 0 {
			if j := strings.IndexByte(line[i:], ' '); j >= 0 {
				line = line[:i] + line[i+j+1:]
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

func TestLive(t *testing.T) {
	got := run(t, Options{Mode: Live, Color: true, Width: 80})
	assert.Regexp(t, `\x1b\[31m✗\x1b\[0m`, got, "colour on a terminal")
	assert.True(t, strings.HasSuffix(got, "(3s)\x1b[0m\n"), "the last lines stay: %q", got[len(got)-40:])
	assert.NotContains(t, got, secret)
	assert.Contains(t, got, "── output of plan infrastructure/prod ──", "the failed stack's output is shown")
	assert.NotContains(t, got, "output of plan monitoring/prod", "a stack that did not fail keeps its output")
	assert.NotContains(t, got, "terraform plan started\n\x1b", "progress messages are not printed between lines")
	golden.Assert(t, "live", got)
}

func TestLiveWithoutColor(t *testing.T) {
	got := run(t, Options{Mode: Live, Width: 60})
	assert.NotRegexp(t, `\x1b\[[0-9;]*m`, got, "NO_COLOR: no colour")
	assert.NotContains(t, got, secret)
	for _, line := range strings.Split(strings.ReplaceAll(got, "\x1b[J", ""), "\n") {
		if i := strings.LastIndex(line, "\x1b[3F"); i >= 0 {
			line = line[i+4:]
		}
		assert.LessOrEqual(t, len([]rune(line)), 80, "lines fit the terminal: %q", line)
	}
	golden.Assert(t, "live-nocolor", got)
}

func TestLiveVerbose(t *testing.T) {
	got := run(t, Options{Mode: Live, Verbose: true})
	assert.Contains(t, got, "── output of plan monitoring/prod ──")
	assert.Contains(t, got, "level=INFO msg=\"helm diff\" password=***")
	assert.NotContains(t, got, secret)
}

func TestFold(t *testing.T) {
	var groups bytes.Buffer
	got := run(t, Options{Mode: Fold, Grouper: grouper{&groups}})
	assert.NotContains(t, got, secret)
	assert.NotContains(t, got, "\x1b")
	assert.Equal(t, "mask xxxxxxxxxxxxxx\n::group::plan monitoring/prod\n::endgroup::\n"+
		"mask xxxxxxxxxxxxxx\n::group::plan infrastructure/prod\n::endgroup::\n", groups.String(),
		"the runner masks a stack's secrets before its log is written")
	golden.Assert(t, "fold", got)
}

func TestPlain(t *testing.T) {
	got := run(t, Options{Mode: Plain, JSON: true})
	assert.NotContains(t, got, "\x1b")
	lines := strings.Split(strings.TrimSpace(got), "\n")
	require.Len(t, lines, 4)
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, "{"), "JSON for machines: %s", l)
	}
}

func TestTickRedrawsRunningStacks(t *testing.T) {
	var out syncBuffer
	c := &clock{now: time.Unix(0, 0)}
	con := New(Options{Out: &out, Mode: Live, Now: c.Now, Tick: time.Millisecond})
	con.Begin([]string{"a/b"})
	con.Started("a/b")
	c.add(65 * time.Second)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "running 1m05s") }, 5*time.Second, time.Millisecond)
	con.Finished("a/b", Status{State: Changed, Text: "+1 ~0 -0"})
	con.Close()
	assert.True(t, strings.HasSuffix(out.String(), "  ~ a/b  +1 ~0 -0 (1m05s)\n"), out.String())
}

func TestElapsedAndCut(t *testing.T) {
	assert.Equal(t, "0s", elapsed(400*time.Millisecond))
	assert.Equal(t, "59s", elapsed(59*time.Second))
	assert.Equal(t, "2m05s", elapsed(125*time.Second))
	assert.Equal(t, "abc", cut("abc", 3))
	assert.Equal(t, "ab…", cut("abcd", 3))
	assert.Equal(t, "a …", oneLine("a\nb"))
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
