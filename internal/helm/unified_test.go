package helm

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnified(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", want: ""},
		{
			name: "added",
			a:    "",
			b:    "x\ny\n",
			want: "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n",
		},
		{
			name: "removed",
			a:    "x\n",
			b:    "",
			want: "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n",
		},
		{
			name: "one line changed in the middle",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n",
			b:    "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			want: "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "two hunks",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			b:    "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n",
			want: "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n",
		},
		{
			name: "close changes share a hunk",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
			b:    "1\n2\nthree\n4\n5\n6\n7\n8\nnine\n10\n",
			want: "--- a\n+++ b\n@@ -1,10 +1,10 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n 7\n 8\n-9\n+nine\n 10\n",
		},
		{
			name: "insertion",
			a:    "a\nb\nc\n",
			b:    "a\nb\nnew\nc\n",
			want: "--- a\n+++ b\n@@ -1,3 +1,4 @@\n a\n b\n+new\n c\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, unified("a", "b", tt.a, tt.b))
		})
	}
}

// TestUnifiedPatchesBack checks on random texts that each diff turns a
// into b and is no longer than a plain replacement.
func TestUnifiedPatchesBack(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		a := randomLines(r, r.IntN(40))
		b := mutate(r, a)
		ta, tb := strings.Join(a, ""), strings.Join(b, "")
		d := unified("a", "b", ta, tb)
		got, err := patch(ta, d)
		require.NoError(t, err, "case %d\n%s", i, d)
		require.Equal(t, tb, got, "case %d\n%s", i, d)
		edits := diffLines(splitLines(ta), splitLines(tb))
		changed := 0
		for _, e := range edits {
			if e.kind != opEqual {
				changed++
			}
		}
		assert.LessOrEqual(t, changed, len(a)+len(b))
	}
}

func TestDiffLinesFallsBackBeyondTheLimit(t *testing.T) {
	var a, b []string
	for i := range 2 * maxEditDistance {
		a = append(a, "a"+strconv.Itoa(i))
		b = append(b, "b"+strconv.Itoa(i))
	}
	edits := diffLines(a, b)
	require.Len(t, edits, len(a)+len(b))
	assert.Equal(t, opDelete, edits[0].kind)
	assert.Equal(t, opInsert, edits[len(edits)-1].kind)
}

func randomLines(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("line %d\n", r.IntN(8))
	}
	return out
}

func mutate(r *rand.Rand, a []string) []string {
	var b []string
	for _, l := range a {
		switch r.IntN(6) {
		case 0: // drop
		case 1:
			b = append(b, l, fmt.Sprintf("new %d\n", r.IntN(5)))
		case 2:
			b = append(b, fmt.Sprintf("changed %d\n", r.IntN(5)))
		default:
			b = append(b, l)
		}
	}
	if r.IntN(3) == 0 {
		b = append(b, "tail\n")
	}
	return b
}

// patch applies a unified diff made by unified to a.
func patch(a, diff string) (string, error) {
	if diff == "" {
		return a, nil
	}
	src := splitLines(a)
	lines := splitLines(diff)[2:]
	var out []string
	at := 0 // next line of src to copy
	for i := 0; i < len(lines); {
		var oldStart, oldLen, newStart, newLen int
		h := lines[i]
		if _, err := fmt.Sscanf(normalizeHeader(h), "@@ -%d,%d +%d,%d @@", &oldStart, &oldLen, &newStart, &newLen); err != nil {
			return "", fmt.Errorf("header %q: %w", h, err)
		}
		first := oldStart - 1
		if oldLen == 0 {
			first = oldStart
		}
		out = append(out, src[at:first]...)
		at = first
		for i++; i < len(lines) && !strings.HasPrefix(lines[i], "@@"); i++ {
			l := lines[i]
			switch l[0] {
			case ' ':
				if src[at] != l[1:] {
					return "", fmt.Errorf("context %q does not match %q", l[1:], src[at])
				}
				out = append(out, src[at])
				at++
			case '-':
				if src[at] != l[1:] {
					return "", fmt.Errorf("removed %q does not match %q", l[1:], src[at])
				}
				at++
			case '+':
				out = append(out, l[1:])
			}
		}
	}
	out = append(out, src[at:]...)
	if len(out) == 0 {
		return "", nil
	}
	return strings.Join(out, "\n") + "\n", nil
}

// normalizeHeader writes the counts GNU diff leaves out (a count of 1).
func normalizeHeader(h string) string {
	parts := strings.Fields(h)
	for i := 1; i <= 2; i++ {
		if !strings.Contains(parts[i], ",") {
			parts[i] += ",1"
		}
	}
	return strings.Join(parts, " ")
}
