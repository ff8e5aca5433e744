package report

import "strings"

// planDiff rewrites the text of `tofu show -no-color` (or terraform's) so
// that a ```diff block colours it: each change marker moves to column 0,
// where diff highlighting looks for it, and the rest of the line keeps its
// place:
//
//	~ input  = "a" -> "b"      becomes   !       input  = "a" -> "b"
//
// "+" (create) and "-" (destroy) stay; "~" (update) becomes "!", which
// highlighting shows as a change; "-/+" and "+/-" (replace) start with the
// action that comes first. The legend before "... will perform the following
// actions:" is dropped: it is the same in every plan.
//
// The text is only displayed, never interpreted: the counts and actions come
// from the JSON plan. A line is rewritten only when it starts with a marker
// followed by a space; inside a heredoc string only the marker column
// Terraform uses for changed lines counts, so a YAML list item in the string
// ("- item") keeps its place.
func planDiff(s string) string {
	s = dropLegend(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	var doc heredoc
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(doc.rewrite(s))
			break
		}
		b.WriteString(doc.rewrite(s[:i]))
		b.WriteByte('\n')
		s = s[i+1:]
	}
	return b.String()
}

// dropLegend removes everything up to the line that announces the actions,
// when there is one.
func dropLegend(s string) string {
	const announce = " will perform the following actions:"
	i := strings.Index(s, announce)
	if i < 0 {
		return strings.TrimLeft(s, "\n")
	}
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return strings.TrimLeft(s[i+j+1:], "\n")
	}
	return ""
}

// heredoc tracks whether the lines being read are inside a heredoc string,
// which Terraform prints as
//
//	~ content = <<-EOT
//	      unchanged line
//	    - removed line
//	    + added line
//	  EOT
//
// with the closing delimiter at the attribute name's column (name), content
// four columns right of it, and the markers of changed lines two columns
// right of it.
type heredoc struct {
	delim string
	name  int
}

func (h *heredoc) rewrite(line string) string {
	if h.delim != "" {
		if indent(line) == h.name && isDelimLine(line[h.name:], h.delim) {
			h.delim = ""
			return line
		}
		at := h.name + 2
		if len(line) > at+1 && indent(line) == at && isMarker(line[at]) && line[at+1] == ' ' {
			return moveMarker(line, at, 1)
		}
		return line
	}
	i := indent(line)
	rest := line[i:]
	width := 0
	switch {
	case strings.HasPrefix(rest, "-/+ "), strings.HasPrefix(rest, "+/- "):
		width = 3
	case len(rest) >= 2 && isMarker(rest[0]) && rest[1] == ' ':
		width = 1
	}
	nameCol := i
	if width > 0 {
		nameCol = i + width + 1
		line = moveMarker(line, i, width)
	}
	if d, ok := opensHeredoc(line); ok {
		h.delim, h.name = d, nameCol
	}
	return line
}

func isMarker(c byte) bool { return c == '+' || c == '-' || c == '~' }

// moveMarker moves the marker of the given width at column at to column 0.
func moveMarker(line string, at, width int) string {
	marker := line[at : at+width]
	if marker == "~" {
		marker = "!"
	}
	if at == 0 {
		return marker + line[width:]
	}
	return marker + strings.Repeat(" ", at) + line[at+width:]
}

func indent(s string) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// opensHeredoc reports whether line ends by opening a heredoc string
// ("<<EOT" or "<<-EOT", maybe followed by a "# forces replacement"
// comment), and returns its delimiter.
func opensHeredoc(line string) (string, bool) {
	i := strings.LastIndex(line, "<<")
	if i < 0 {
		return "", false
	}
	rest := strings.TrimPrefix(line[i+2:], "-")
	n := 0
	for n < len(rest) && isIdent(rest[n], n == 0) {
		n++
	}
	if n == 0 || (n < len(rest) && !strings.HasPrefix(rest[n:], " #")) {
		return "", false
	}
	return rest[:n], true
}

func isIdent(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// isDelimLine reports whether s, a line without its indentation, closes a
// heredoc with delimiter d: "EOT", "EOT,", "EOT -> null".
func isDelimLine(s, d string) bool {
	rest, ok := strings.CutPrefix(s, d)
	return ok && (rest == "" || rest[0] == ',' || rest[0] == ' ')
}
