package console

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// hostile holds what a terminal would obey: a window title (OSC 0), a
// clipboard write (OSC 52), cursor movement that hides the lines above,
// C1 controls (CSI and OSC as single characters), DEL, a carriage return
// that overwrites the line and a line separator before a runner command.
const hostile = "Error: bad\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[3A\x1b[2K\u009b2A\u009d0;t\u009c\x7f\rall good\u2028::error::x\u2029"

// obeyed lists what must not reach the terminal of hostile.
var obeyed = []string{"\x1b]", "\x07", "\x1b[3A", "\x1b[2K", "\u009b", "\u009d", "\u009c", "\x7f", "\r", "\u2028", "\u2029"}

// A stack's status text (the first line of its error, from a tool, a chart
// or a cluster), its name, the console's title and what its stages log
// reach a terminal: none of them can set the window title, write the
// clipboard or move the cursor to hide lines. Only the console's own
// sequences (redraw and colour) are written.
func TestTerminalEscapesInStatusAndLogsAreNeutralised(t *testing.T) {
	for _, o := range []Options{
		{Mode: Live, Color: true, Width: 400},
		{Mode: Live, Width: 400},
		{Mode: Live, Verbose: true, Width: 400},
		{Mode: Fold, Grouper: grouper{out: &bytes.Buffer{}}},
		{Mode: Fold, JSON: true},
		{Mode: Plain},
		{Mode: Plain, JSON: true},
	} {
		var out bytes.Buffer
		o.Out, o.Title = &out, "plan\x1b]0;title\x07"
		o.Now = func() time.Time { return time.Unix(0, 0) }
		if g, ok := o.Grouper.(grouper); ok {
			g.out = &out
			o.Grouper = g
		}
		c := New(o)
		key := "infra/prod\x1b]0;key\x07"
		c.Begin([]string{key})
		c.Started(key)
		c.StackLogger(key).Error(hostile, "output", hostile)
		c.Logger().Warn(hostile, "error", hostile)
		c.Finished(key, Status{State: Failed, Text: "failed:\u2028::error::x " + hostile})
		c.Close()

		got := out.String()
		for _, bad := range obeyed {
			if strings.Contains(got, bad) {
				t.Errorf("mode %d, colour %v, JSON %v: %q reaches the terminal", o.Mode, o.Color, o.JSON, bad)
			}
		}
		// The stack's failure is still shown, its escapes made visible.
		assert.Contains(t, got, "Error: bad")
		if o.JSON {
			// JSON records keep what was logged, escaped: each decodes
			// to the hostile text.
			assert.Contains(t, got, `\u009b2A\u009d0;t\u009c\u007f\rall good\u2028::error::x\u2029`)
			for line := range strings.Lines(got) {
				if strings.HasPrefix(line, "{") {
					var rec map[string]any
					if assert.NoError(t, json.Unmarshal([]byte(line), &rec), line) && rec["msg"] != "" {
						assert.Contains(t, []any{hostile}, rec["msg"], "lossless")
					}
				}
			}
		}
	}
}
