package runner

import (
	"strings"
	"unicode/utf8"
)

// fitSummary returns markdown when it fits in avail bytes. Otherwise it
// returns as many whole lines as fit together with a closing code fence (if
// a fence was left open) and notice, and cut is true. When not even the
// notice fits it returns "".
func fitSummary(markdown string, avail int, notice string) (text string, cut bool) {
	if len(markdown) <= avail {
		return markdown, false
	}
	const fence = "```\n"
	tail := "\n" + notice
	keep := avail - len(tail) - len(fence) - 1
	if keep <= 0 {
		if len(notice) <= avail {
			return notice, true
		}
		return "", true
	}
	head := markdown[:keep]
	if i := strings.LastIndexByte(head, '\n'); i >= 0 {
		head = head[:i+1]
	} else {
		// One long line: cut it, but not inside a character.
		for len(head) > 0 && !utf8.RuneStart(markdown[len(head)]) {
			head = head[:len(head)-1]
		}
		head += "\n"
	}
	if openFence(head) {
		head += fence
	}
	return head + tail, true
}

// openFence reports whether s leaves a ``` code fence open.
func openFence(s string) bool {
	open := false
	for line := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), "```") {
			open = !open
		}
	}
	return open
}
