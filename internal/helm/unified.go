package helm

import (
	"fmt"
	"strings"
)

// contextLines is how many unchanged lines a hunk shows around a change.
const contextLines = 3

// maxEditDistance bounds the search for a shortest edit script. Beyond it
// the changed middle of two texts is shown as removed and then added whole:
// the diff is still correct, only longer than it could be, and the time and
// memory stay bounded for objects rewritten from end to end.
const maxEditDistance = 1500

// opKind is one step of an edit script.
type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

// edit is one line of an edit script: a line of a (equal, delete) or of b
// (insert).
type edit struct {
	kind opKind
	line string
}

// splitLines splits text into lines without their newlines. A final newline
// does not start another line.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// unified returns the unified diff of two texts with headers from and to,
// or "" when they are equal. Empty text on one side gives a diff that adds
// or removes every line, as for /dev/null.
func unified(from, to, a, b string) string {
	if a == b {
		return ""
	}
	edits := diffLines(splitLines(a), splitLines(b))
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", from, to)
	writeHunks(&sb, edits, contextLines)
	return sb.String()
}

// diffLines returns a shortest edit script from a to b (Myers' algorithm),
// after taking off their common prefix and suffix.
func diffLines(a, b []string) []edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	edits := make([]edit, 0, len(a)+len(b)-pre-suf)
	for _, l := range a[:pre] {
		edits = append(edits, edit{opEqual, l})
	}
	edits = append(edits, middle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		edits = append(edits, edit{opEqual, l})
	}
	return edits
}

// middle diffs what is left once the common ends are gone.
func middle(a, b []string) []edit {
	if len(a) == 0 || len(b) == 0 {
		return replaceAll(a, b)
	}
	// Compare numbers, not strings, in the inner loop.
	ids := make(map[string]int32, len(a)+len(b))
	num := func(ls []string) []int32 {
		out := make([]int32, len(ls))
		for i, l := range ls {
			id, ok := ids[l]
			if !ok {
				id = int32(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := num(a), num(b)
	trace, ok := myers(x, y, maxEditDistance)
	if !ok {
		return replaceAll(a, b)
	}
	return backtrack(trace, a, b)
}

func replaceAll(a, b []string) []edit {
	edits := make([]edit, 0, len(a)+len(b))
	for _, l := range a {
		edits = append(edits, edit{opDelete, l})
	}
	for _, l := range b {
		edits = append(edits, edit{opInsert, l})
	}
	return edits
}

// myers runs the greedy forward search of "An O(ND) Difference Algorithm
// and Its Variations" (Myers, 1986) and returns, for each edit distance d
// reached, the furthest x on the diagonals -d-1..d+1 before step d, which
// is what backtrack needs. ok is false when the distance exceeds limit.
func myers(a, b []int32, limit int) (trace [][]int32, ok bool) {
	n, m := len(a), len(b)
	most := min(n+m, limit)
	off := most + 1
	v := make([]int32, 2*most+3)
	for d := 0; d <= most; d++ {
		trace = append(trace, append([]int32(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				return trace, true
			}
		}
	}
	return nil, false
}

// backtrack walks the trace from the end to the start and returns the
// edits in order.
func backtrack(trace [][]int32, a, b []string) []edit {
	x, y := len(a), len(b)
	rev := make([]edit, 0, len(a)+len(b))
	for d := len(trace) - 1; d >= 0; d-- {
		v := trace[d]
		at := func(k int) int { return int(v[k+d+1]) }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, edit{opEqual, a[x]})
		}
		if d == 0 {
			break
		}
		if x == prevX {
			rev = append(rev, edit{opInsert, b[prevY]})
		} else {
			rev = append(rev, edit{opDelete, a[prevX]})
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// writeHunks writes the changes of edits as unified hunks with ctx lines of
// context.
func writeHunks(sb *strings.Builder, edits []edit, ctx int) {
	// aLine and bLine are the 0-based line numbers before edits[i].
	aAt := make([]int, len(edits)+1)
	bAt := make([]int, len(edits)+1)
	for i, e := range edits {
		aAt[i+1], bAt[i+1] = aAt[i], bAt[i]
		if e.kind != opInsert {
			aAt[i+1]++
		}
		if e.kind != opDelete {
			bAt[i+1]++
		}
	}
	i := 0
	for i < len(edits) {
		for i < len(edits) && edits[i].kind == opEqual {
			i++
		}
		if i == len(edits) {
			return
		}
		start := max(0, i-ctx)
		// Extend the hunk while the next change is close enough for their
		// contexts to touch.
		end := i
		for {
			for end < len(edits) && edits[end].kind != opEqual {
				end++
			}
			run := end
			for run < len(edits) && edits[run].kind == opEqual {
				run++
			}
			if run == len(edits) || run-end > 2*ctx {
				end = min(end+ctx, len(edits))
				break
			}
			end = run
		}
		aLen, bLen := aAt[end]-aAt[start], bAt[end]-bAt[start]
		fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(aAt[start], aLen), hunkRange(bAt[start], bLen))
		for _, e := range edits[start:end] {
			sb.WriteByte(byte(e.kind))
			sb.WriteString(e.line)
			sb.WriteByte('\n')
		}
		i = end
	}
}

// hunkRange formats one side of a hunk header as GNU diff does: the first
// line (1-based; the line before, for an empty range) and the count when it
// is not 1.
func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
