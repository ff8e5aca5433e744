package termtext

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Escape sequences that a terminal or a log viewer would obey are shown
// harmless: nothing of them is left that a terminal reads as a command.
func TestEscapeSequencesAreNeutralised(t *testing.T) {
	tests := map[string]struct{ in, line, block string }{
		"plain":            {"no changes: +1 ~0 -0 … ünïcode", "no changes: +1 ~0 -0 … ünïcode", "no changes: +1 ~0 -0 … ünïcode"},
		"colour":           {"\x1b[31mError:\x1b[0m bad", "Error: bad", "Error: bad"},
		"window title":     {"a\x1b]0;pwned\x07b", "a\uFFFD]0;pwned\uFFFDb", "a\uFFFD]0;pwned\uFFFDb"},
		"clipboard":        {"\x1b]52;c;cm0gLXJmIH4K\x1b\\", "\uFFFD]52;c;cm0gLXJmIH4K\uFFFD\\", "\uFFFD]52;c;cm0gLXJmIH4K\uFFFD\\"},
		"cursor up, erase": {"ok\x1b[2A\x1b[2Kfake", "okfake", "okfake"},
		"C1 CSI":           {"ok\u009b2Afake", "okfake", "okfake"},
		"C1 OSC":           {"\u009d0;t\u009c", "\uFFFD0;t\uFFFD", "\uFFFD0;t\uFFFD"},
		"carriage return":  {"safe\rEVIL", "safe\uFFFDEVIL", "safe\nEVIL"},
		"crlf":             {"a\r\nb", "a\uFFFD\uFFFDb", "a\nb"},
		"newline, tab":     {"a\n\tb", "a\uFFFD\tb", "a\n\tb"},
		"gitlab section":   {"\x1b[0Ksection_end:1:tierdeploy_1_plan\r\x1b[0K", "section_end:1:tierdeploy_1_plan\uFFFD", "section_end:1:tierdeploy_1_plan\n"},
		"bell, backspace":  {"a\x07\x08b\x7f", "a\uFFFD\uFFFDb\uFFFD", "a\uFFFD\uFFFDb\uFFFD"},
		"invalid UTF-8":    {"a\xffb\xc2", "a\uFFFDb\uFFFD", "a\uFFFDb\uFFFD"},
		"CSI at the end":   {"a\x1b[", "a", "a"},
		"lone ESC":         {"a\x1b", "a\uFFFD", "a\uFFFD"},
		"line separator":   {"ok\u2028::error::x\u2029y", "ok\uFFFD::error::x\uFFFDy", "ok\uFFFD::error::x\uFFFDy"},
		"bidi override":    {"aws_s3_bucket.\u202egolb\u202c", "aws_s3_bucket.\uFFFDgolb\uFFFD", "aws_s3_bucket.\uFFFDgolb\uFFFD"},
		"bidi isolate":     {"a\u2066b\u2069c\u2067d\u2068", "a\uFFFDb\uFFFDc\uFFFDd\uFFFD", "a\uFFFDb\uFFFDc\uFFFDd\uFFFD"},
		"direction marks":  {"\u05e9\u200f1\u200e", "\u05e9\u200f1\u200e", "\u05e9\u200f1\u200e"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.line, Line(tt.in))
			assert.Equal(t, tt.block, Block(tt.in))
			assert.True(t, Safe(Line(tt.in), false))
			assert.True(t, Safe(Block(tt.in), true))
		})
	}
}

// FuzzClean: whatever the text, what Line and Block return holds no
// control character a terminal obeys, and is valid UTF-8.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;x\x07", "\x1b[2A", "\u009b1m", "a\rb", "\xff\x1b[", "\x1b[0Ksection_start:1:x\r\x1b[0K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, block := Line(s), Block(s)
		for _, out := range []string{line, block} {
			if strings.ContainsAny(out, "\x1b\r\x07\x00\u009b\u009d\u2028\u2029\u202e\u2067") {
				t.Fatalf("%q -> %q", s, out)
			}
		}
		if strings.Contains(line, "\n") {
			t.Fatalf("Line(%q) = %q has a newline", s, line)
		}
		if !Safe(line, false) || !Safe(block, true) {
			t.Fatalf("%q not safe: %q %q", s, line, block)
		}
	})
}

// JSON printed to a terminal keeps its meaning, and no DEL, C1 control,
// separator or invalid UTF-8 reaches the terminal raw.
func TestJSONEscapesWhatEncodingJSONLeavesRaw(t *testing.T) {
	value := "a\u009b2J\u2028::error::x\u2029\x7f\u0085é…\u202egolb\u2066"
	b, err := json.Marshal(map[string]string{"k\u009b": value})
	require.NoError(t, err)
	out := JSON(b)
	for _, bad := range []string{"\u009b", "\u2028", "\u2029", "\x7f", "\u0085", "\u202e", "\u2066"} {
		assert.NotContains(t, string(out), bad)
	}
	var got map[string]string
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, map[string]string{"k\u009b": value}, got, "lossless")
	assert.Equal(t, `{"a":"\ufffd"}`, string(JSON([]byte("{\"a\":\"\xff\"}"))))
	plain := []byte("{\n  \"é\": \"…\"\n}")
	assert.Equal(t, plain, JSON(plain))
}
