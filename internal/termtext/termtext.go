package termtext

import (
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
// terminal: C0 controls but tab (and newline when lines is set), DEL, and
// the C1 controls.
func control(r rune, lines bool) bool {
	switch {
	case r == '\t', r == '\n' && lines:
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
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
