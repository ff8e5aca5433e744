package console

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/redact"
	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// Mode is how progress is shown.
type Mode int

// Modes.
const (
	// Plain writes every log line at once.
	Plain Mode = iota
	// Live keeps one line per stack up to date on a terminal.
	Live
	// Fold writes each stack's log in one group when the stack is done.
	Fold
)

// Grouper opens and closes a collapsible group of the CI log
// (internal/runner).
type Grouper interface {
	Group(title string) error
	EndGroup() error
}

// masker is a Grouper that also registers secrets with the CI runner
// (GitHub's ::add-mask::), so that it masks them in the rest of the job
// log, whoever prints them.
type masker interface {
	AddMask(secret string) error
}

// Options configure a Console.
type Options struct {
	// Out receives everything (standard error).
	Out  io.Writer
	Mode Mode
	// JSON writes log records as JSON rather than text.
	JSON bool
	// Verbose shows every stack's log (Live), and the run's progress
	// messages above the stack lines.
	Verbose bool
	// Color colours the stack lines (Live only).
	Color bool
	// Width is the terminal's width; lines are cut to fit (Live). Zero
	// means 100.
	Width int
	// Grouper opens the groups (Fold).
	Grouper Grouper
	// Title starts each group's title and each shown log's heading, such
	// as "plan".
	Title string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tick is how often running stacks' times are redrawn (Live); zero
	// redraws only on changes.
	Tick time.Duration
}

// State is how far a stack got.
type State int

// States.
const (
	Waiting State = iota
	Running
	// Done is a stack that finished with nothing to change.
	Done
	// Changed is a stack that finished with changes (or drift).
	Changed
	Skipped
	Failed
)

// Status is how a stack ended.
type Status struct {
	State State
	// Text says it in a few words: "+1 ~2 -0", "no changes", the skip
	// reason, the first line of the error.
	Text string
	// Secrets are masked in the stack's log and text.
	Secrets []string
}

// Console shows a run's progress. Its methods are safe for concurrent use.
type Console struct {
	o    Options
	main *slog.Logger

	mu     sync.Mutex
	lines  []*line
	byKey  map[string]*line
	drawn  int
	stop   chan struct{}
	closed bool
}

type line struct {
	key string
	// name is key as shown: safe for a terminal (termtext.Line).
	name    string
	state   State
	text    string
	started time.Time
	took    time.Duration
	log     *lockedBuffer
}

// New returns a Console.
func New(o Options) *Console {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Width <= 0 {
		o.Width = 100
	}
	o.Title = termtext.Line(o.Title)
	c := &Console{o: o, byKey: map[string]*line{}}
	level := slog.LevelInfo
	w := o.Out
	if o.Mode == Live {
		w = liveWriter{c}
		if !o.Verbose {
			level = slog.LevelWarn
		}
	}
	c.main = NewLogger(w, o.JSON, level)
	return c
}

// Logger returns the run's log. On a terminal it shows warnings and errors
// above the stack lines (everything with Verbose).
func (c *Console) Logger() *slog.Logger { return c.main }

// NewLogger returns a logger that writes text or JSON records to w, made
// safe for a terminal or a CI log viewer (safeWriter): the text handler
// quotes control characters, but the JSON handler leaves DEL and the C1
// controls (U+009B is CSI on some terminals) raw in strings; they are
// written as \u escapes, which keeps each record's meaning.
func NewLogger(w io.Writer, json bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(safeWriter{w: w, json: true}, opts))
	}
	return slog.New(slog.NewTextHandler(safeWriter{w: w}, opts))
}

// Begin lists the stacks, waiting, and starts redrawing.
func (c *Console) Begin(keys []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if _, ok := c.byKey[k]; ok {
			continue
		}
		l := &line{key: k, name: termtext.Line(k), log: &lockedBuffer{}}
		c.lines = append(c.lines, l)
		c.byKey[k] = l
	}
	if c.o.Mode != Live || len(keys) == 0 {
		return
	}
	c.redraw()
	if c.o.Tick > 0 && c.stop == nil {
		c.stop = make(chan struct{})
		go c.tick(c.stop)
	}
}

func (c *Console) tick(stop chan struct{}) {
	t := time.NewTicker(c.o.Tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			c.mu.Lock()
			if !c.closed {
				c.redraw()
			}
			c.mu.Unlock()
		}
	}
}

// line returns the stack's line, adding it when Begin did not list it.
func (c *Console) line(key string) *line {
	l, ok := c.byKey[key]
	if !ok {
		l = &line{key: key, name: termtext.Line(key), log: &lockedBuffer{}}
		c.lines = append(c.lines, l)
		c.byKey[key] = l
	}
	return l
}

// StackLogger returns the logger of a stack's stages: kept aside in Live
// and Fold modes, the run's log in Plain mode.
func (c *Console) StackLogger(key string) *slog.Logger {
	if c.o.Mode == Plain {
		return c.main
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return NewLogger(c.line(key).log, c.o.JSON, slog.LevelInfo)
}

// Started marks a stack running.
func (c *Console) Started(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.line(key)
	l.state, l.started = Running, c.o.Now()
	if c.o.Mode == Live {
		c.redraw()
	}
}

// Finished marks a stack done, and shows its log: in CI always (in a
// group), on a terminal when it failed or with Verbose.
func (c *Console) Finished(key string, st Status) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.line(key)
	mask := redact.New(st.Secrets...)
	l.state, l.text = st.State, mask.String(st.Text)
	if !l.started.IsZero() {
		l.took = c.o.Now().Sub(l.started)
	}
	// The log's records were made safe as they were written; the mask
	// must not bring back what that removed.
	text := termtext.Block(mask.String(l.log.String()))
	l.log.Reset()
	title := strings.TrimSpace(c.o.Title + " " + l.name)
	switch c.o.Mode {
	case Fold:
		if text == "" {
			return
		}
		// Registered before the log is written, not while a fence in it
		// stops commands.
		if m, ok := c.o.Grouper.(masker); ok {
			for _, s := range unique(st.Secrets) {
				_ = m.AddMask(s)
			}
		}
		if c.o.Grouper != nil {
			_ = c.o.Grouper.Group(title)
		}
		_, _ = io.WriteString(c.o.Out, text)
		if c.o.Grouper != nil {
			_ = c.o.Grouper.EndGroup()
		}
	case Live:
		c.clear()
		if text != "" && (st.State == Failed || c.o.Verbose) {
			fmt.Fprintf(c.o.Out, "%s\n%s", c.paint(bold, "── output of "+title+" ──"), text)
			if !strings.HasSuffix(text, "\n") {
				io.WriteString(c.o.Out, "\n")
			}
		}
		c.draw()
	}
}

// Close stops redrawing and leaves the stack lines as they are last drawn.
func (c *Console) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	if c.stop != nil {
		close(c.stop)
	}
	c.drawn = 0 // what is drawn stays; later output goes below it
}

// liveWriter writes the run's log above the stack lines.
type liveWriter struct{ c *Console }

func (w liveWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	w.c.clear()
	n, err := w.c.o.Out.Write(p)
	if !w.c.closed {
		w.c.draw()
	}
	return n, err
}

// clear erases the drawn stack lines; the cursor is left where they began.
func (c *Console) clear() {
	if c.drawn == 0 {
		return
	}
	fmt.Fprintf(c.o.Out, "\x1b[%dF\x1b[J", c.drawn)
	c.drawn = 0
}

// draw writes the stack lines below the cursor.
func (c *Console) draw() {
	if c.closed {
		return
	}
	var b strings.Builder
	for _, l := range c.lines {
		b.WriteString(c.render(l))
		b.WriteByte('\n')
	}
	io.WriteString(c.o.Out, b.String())
	c.drawn = len(c.lines)
}

func (c *Console) redraw() {
	c.clear()
	c.draw()
}

// ANSI styles.
const (
	bold   = "1"
	dim    = "2"
	red    = "31"
	green  = "32"
	yellow = "33"
	cyan   = "36"
)

func (c *Console) paint(style, s string) string {
	if !c.o.Color {
		return s
	}
	return "\x1b[" + style + "m" + s + "\x1b[0m"
}

// render returns one stack's line, cut to the terminal's width.
func (c *Console) render(l *line) string {
	var sym, style, text string
	switch l.state {
	case Waiting:
		sym, style, text = "·", dim, "waiting"
	case Running:
		sym, style, text = "▸", cyan, "running "+elapsed(c.o.Now().Sub(l.started))
	case Done:
		sym, style, text = "✓", green, l.text
	case Changed:
		sym, style, text = "~", yellow, l.text
	case Skipped:
		sym, style, text = "-", dim, l.text
	case Failed:
		sym, style, text = "✗", red, l.text
	}
	if l.state > Running && l.took > 0 {
		text += " (" + elapsed(l.took) + ")"
	}
	plain := fmt.Sprintf("  %s %-*s  %s", sym, c.keyWidth(), l.name, termtext.Line(oneLine(text)))
	plain = cut(plain, c.o.Width-1)
	if !c.o.Color {
		return plain
	}
	// Colour the symbol and the text, not the name.
	head := fmt.Sprintf("  %s %-*s  ", sym, c.keyWidth(), l.name)
	if len(plain) <= len(head) {
		return plain
	}
	return "  " + c.paint(style, sym) + head[len("  ")+len(sym):] + c.paint(style, plain[len(head):])
}

func (c *Console) keyWidth() int {
	w := 0
	for _, l := range c.lines {
		w = max(w, len(l.name))
	}
	return w
}

// elapsed formats a duration to the second: "7s", "2m05s".
func elapsed(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s < 60 {
		return fmt.Sprintf("%ds", s)
	}
	return fmt.Sprintf("%dm%02ds", s/60, s%60)
}

func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// cut shortens s to at most n runes, ending it with "…".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 2 {
		return s
	}
	return string(r[:n-1]) + "…"
}

// safeWriter writes what a logger writes, one record per Write, made safe
// for a terminal: text a tool, a chart or a cluster controls cannot move
// the cursor, set the window title or write the clipboard, on a terminal
// or in a CI log viewer. A text record is neutralised (termtext.Block); a
// JSON record is escaped (termtext.JSON), so that it still decodes to what
// was logged.
type safeWriter struct {
	w    io.Writer
	json bool
}

func (s safeWriter) Write(p []byte) (int, error) {
	out := p
	switch {
	case s.json:
		out = termtext.JSON(p)
	case !termtext.Safe(string(p), true):
		out = []byte(termtext.Block(string(p)))
	}
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Reset()
}

// unique returns the secrets sorted, without duplicates and empty values.
func unique(secrets []string) []string {
	out := slices.Clone(secrets)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}
