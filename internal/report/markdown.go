package report

import (
	"html"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// sanitize makes outside text safe to measure and lay out: valid UTF-8,
// "\n" line endings only (a lone "\r" ends a line for a markdown parser too),
// no terminal escape sequences, and no other control characters but tab,
// C1 controls included (termtext.Block): the report is also printed to a
// terminal and to CI logs.
func sanitize(s string) string { return termtext.Block(s) }

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	if !strings.ContainsRune(s, '\n') {
		return s
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// escaper backslash-escapes what could start markdown or HTML inline
// syntax, or a mention, in running text.
var escaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `~`, `\~`, `&`, `\&`, `@`, `\@`,
)

// text returns s as plain running text on one line, safe in a paragraph or
// a table cell.
func text(s string) string { return escaper.Replace(oneLine(s)) }

// code returns s as an inline code span on one line. The delimiter is one
// backtick longer than the longest run in s, so s cannot close it.
func code(s string) string {
	s = oneLine(s)
	if s == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' && s[len(s)-1] == ' ' {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cellCode returns code(s) for a table cell, where a pipe ends the cell even
// inside a code span unless it is escaped.
func cellCode(s string) string { return strings.ReplaceAll(code(s), "|", `\|`) }

// htmlCode returns s as a <code> element, for HTML blocks such as
// <summary>, where markdown is not read.
func htmlCode(s string) string {
	return "<code>" + strings.ReplaceAll(html.EscapeString(oneLine(s)), "@", "&#64;") + "</code>"
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// fenceFor returns the backtick fence for a code block whose longest
// backtick run is run: at least three, and longer than any run in the block,
// so no line of the block can close it.
func fenceFor(run int) string { return strings.Repeat("`", max(3, run+1)) }

// thousands formats n with thousands separators: 65536 -> "65,536".
func thousands(n int) string {
	s := strings.Builder{}
	if n < 0 {
		s.WriteByte('-')
		n = -n
	}
	digits := []byte{}
	for {
		digits = append(digits, byte('0'+n%10))
		n /= 10
		if n == 0 {
			break
		}
	}
	for i := len(digits) - 1; i >= 0; i-- {
		s.WriteByte(digits[i])
		if i > 0 && i%3 == 0 {
			s.WriteByte(',')
		}
	}
	return s.String()
}

// plural returns "1 stage" or "2 stages".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}
