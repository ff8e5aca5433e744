package termtext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Line returns s safe for one line of a terminal: control characters and
// escape sequences neutralised (see the package documentation), line ends
// included.
func Line(s string) string { return clean(s, false) }

// Block returns s safe for a terminal, keeping its line ends: "\n" stays,
// "\r\n" becomes "\n", and a lone "\r" (which would overwrite the line)
// becomes "\n" too. Every other control character and escape sequence is
// neutralised as in Line.
func Block(s string) string { return clean(s, true) }

// Safe reports whether s is valid UTF-8 without control characters, but
// tabs and, when lines is set, newlines: Line (or Block) returns it as it
// is.
func Safe(s string, lines bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if control(r, lines) {
			return false
		}
	}
	return true
}

// control reports whether r is a character that must not reach a
// terminal: C0 controls but tab (and newline when lines is set), DEL, the
// C1 controls, the line and paragraph separators, and the bidirectional
// embeddings, overrides and isolates.
func control(r rune, lines bool) bool {
	switch {
	case r == '\t', r == '\n' && lines:
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029, bidi(r):
		return true
	}
	return false
}

// bidi reports whether r is a bidirectional embedding, override or isolate
// (U+202A to U+202E, U+2066 to U+2069). Rendered text shows what such a
// character reorders, not the order it is stored in, so a resource name or
// value holding one can read as another in a terminal or a review comment
// ("Trojan Source"). The left-to-right and right-to-left marks, which only
// set the direction of neutral characters, are kept for right-to-left text.
func bidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// JSON returns JSON text b safe to print to a terminal without changing
// what it means. encoding/json (and log/slog's JSON handler) escape the C0
// controls inside strings but let DEL, the C1 controls (U+009B starts an
// escape sequence on some terminals) and, for slog, invalid UTF-8 through;
// each is written as a \u escape (invalid UTF-8 as \ufffd, as encoding/json
// decodes it), as are the line and paragraph separators. Such characters
// are only ever inside strings in valid JSON, where the escape means the
// same character. Whitespace is kept; b is returned as it is when nothing
// needs escaping.
func JSON(b []byte) []byte {
	if jsonSafe(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			out = append(out, `\ufffd`...)
		case jsonEscaped(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func jsonSafe(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 || jsonEscaped(r) {
			return false
		}
		i += size
	}
	return true
}

// jsonEscaped reports whether JSON must write r as a \u escape for a
// terminal: the control characters JSON allows raw inside strings, and the
// separators and the bidirectional controls.
func jsonEscaped(r rune) bool {
	return r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x2028 || r == 0x2029 || bidi(r)
}

func clean(s string, lines bool) string {
	if Safe(s, lines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == 0x1b && i+1 < len(s) && s[i+1] == '[', r == 0x9b:
			// A CSI sequence: parameter and intermediate bytes, then one
			// final byte; dropped whole.
			j := i + size
			if r == 0x1b {
				j = i + 2
			}
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x40 {
				j++
			}
			if j < len(s) && s[j] >= 0x40 && s[j] < 0x7f {
				j++
			}
			i = j
			continue
		case r == '\r' && lines:
			if i+1 < len(s) && s[i+1] == '\n' {
				break // the "\n" comes next
			}
			b.WriteByte('\n')
		case control(r, lines):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
