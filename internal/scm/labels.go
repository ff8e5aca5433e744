package scm

import (
	"slices"
	"strings"
)

// MaxLabels is how many labels of a pull or merge request are kept; the
// platforms allow far fewer in practice, and a check that needs one has it
// among them.
const MaxLabels = 1000

// SortLabels returns label names sorted, without duplicates and blank
// names, and at most MaxLabels of them: a pull or merge request's labels as
// policies read them.
func SortLabels(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > MaxLabels {
		out = out[:MaxLabels]
	}
	return out
}
