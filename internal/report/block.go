package report

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// measure counts the size of text against a budget: characters as Length
// counts them, or bytes.
type measure struct{ bytes bool }

func (m measure) of(s string) int {
	if m.bytes {
		return len(s)
	}
	return Length(s)
}

// longLine is the length from which a line that does not fit whole is cut
// within, rather than left out: a plan of one huge line still shows its
// start.
const longLine = 1000

// block is a piece of outside text shown in a code block, which can be cut
// to a size or to a number of lines. The line tables make each cut cost a
// binary search, so the budget can try many sizes cheaply.
type block struct {
	// what names the block in cut notes: "plan text", "resource list".
	what string
	lang string
	text string
	// ends[i] is the offset just past line i (before its newline); cum[i] is
	// the size of lines 0..i with their newlines; run[i] is the longest run
	// of backticks in lines 0..i.
	ends, cum, run []int
	ms             measure
}

// newBlock returns the block of s, or nil when s is blank. s has been
// sanitized and masked.
func newBlock(what, lang, s string, ms measure) *block {
	s = strings.TrimRight(s, "\n")
	if strings.TrimSpace(s) == "" {
		return nil
	}
	n := strings.Count(s, "\n") + 1
	b := &block{what: what, lang: lang, text: s, ms: ms,
		ends: make([]int, 0, n), cum: make([]int, 0, n), run: make([]int, 0, n)}
	size, run := 0, 0
	for start := 0; start <= len(s); {
		end := strings.IndexByte(s[start:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		line := s[start:end]
		size += ms.of(line) + 1
		run = max(run, longestRun(line, '`'))
		b.ends = append(b.ends, end)
		b.cum = append(b.cum, size)
		b.run = append(b.run, run)
		start = end + 1
	}
	return b
}

func (b *block) lines() int { return len(b.ends) }

// size is the size of the whole text with a final newline.
func (b *block) size() int { return b.cum[len(b.cum)-1] }

// shown is what a cut keeps of a block.
type shown struct {
	b *block
	// lines is the number of whole lines kept; part is the kept start of
	// the next line, if any.
	lines int
	part  string
}

func (b *block) all() shown { return shown{b: b, lines: b.lines()} }

// toSize keeps as many whole lines as fit in size (newlines counted), and
// the start of the next line when that line is long and a fair part of it
// fits; size < 0 keeps everything.
func (b *block) toSize(size int) shown {
	if size < 0 || size >= b.size() {
		return b.all()
	}
	k := sort.Search(len(b.cum), func(i int) bool { return b.cum[i] > size })
	sh := shown{b: b, lines: k}
	room := size
	if k > 0 {
		room -= b.cum[k-1]
	}
	next := b.line(k)
	if room > 100 && b.ms.of(next) > longLine {
		sh.part = b.prefix(next, room-1)
	}
	return sh
}

// toLines keeps the first n lines; n < 0 keeps everything.
func (b *block) toLines(n int) shown {
	if n < 0 || n >= b.lines() {
		return b.all()
	}
	return shown{b: b, lines: n}
}

func (b *block) line(i int) string {
	start := 0
	if i > 0 {
		start = b.ends[i-1] + 1
	}
	return b.text[start:b.ends[i]]
}

// prefix returns the longest start of s, whole characters, of at most size.
func (b *block) prefix(s string, size int) string {
	if b.ms.bytes {
		if size >= len(s) {
			return s
		}
		for size > 0 && !utf8.RuneStart(s[size]) {
			size--
		}
		return s[:size]
	}
	n := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > size {
			return s[:i]
		}
		n += w
	}
	return s
}

// complete reports whether nothing was cut.
func (s shown) complete() bool { return s.lines == s.b.lines() }

// empty reports whether nothing is kept.
func (s shown) empty() bool { return s.lines == 0 && s.part == "" }

// Text returns the kept text, without a final newline.
func (s shown) Text() string {
	var t string
	if s.lines > 0 {
		t = s.b.text[:s.b.ends[s.lines-1]]
	}
	if s.part != "" {
		if t != "" {
			t += "\n"
		}
		t += s.part
	}
	return t
}

// Fence returns the backtick fence that the kept text cannot close.
func (s shown) Fence() string {
	run := 0
	if s.lines > 0 {
		run = s.b.run[s.lines-1]
	}
	return fenceFor(max(run, longestRun(s.part, '`')))
}

// Lang is the code block's info string.
func (s shown) Lang() string { return s.b.lang }

// Note says what was cut, or is empty.
func (s shown) Note() string {
	if s.complete() {
		return ""
	}
	total := s.b.lines()
	switch {
	case s.empty():
		return "✂️ " + upper(s.b.what) + " cut (" + plural(total, "line", "lines") + ")."
	case s.part != "":
		return "✂️ Cut: " + thousands(s.lines) + " of " + plural(total, "line", "lines") + " shown, and the start of line " + thousands(s.lines+1) + "."
	}
	return "✂️ Cut: " + thousands(s.lines) + " of " + plural(total, "line", "lines") + " shown."
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
