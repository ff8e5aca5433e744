package valueschema

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode/utf8"
)

// Bounds of pattern generation: strings per node and in all, and runes per
// string. A pattern whose matches are all longer gives no string.
const (
	maxPerNode  = 64
	maxStrings  = 256
	maxPatLen   = 512
	maxWork     = 20000
	fillerRunes = "a0Ax-_."
)

// patternStrings returns strings that match the pattern (a JSON Schema
// pattern: unanchored, so a string matching all of it matches), built so
// that the repetitions of a character class carry one of the markers where
// the class allows, best first: those holding the longest marker, then the
// shortest. A pattern Go cannot parse gives none.
func patternStrings(pattern string, markers []string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	full, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return nil
	}
	g := &generator{markers: markers, work: maxWork}
	var out []string
	seen := map[string]bool{}
	for _, s := range g.gen(re) {
		if !seen[s] && full.MatchString(s) {
			seen[s] = true
			out = append(out, s)
		}
	}
	score := func(s string) int {
		return markerScore(s, markers)
	}
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := score(out[i]), score(out[j])
		if si != sj {
			return si > sj
		}
		return len(out[i]) < len(out[j])
	})
	return out
}

// markerScore is the length of the longest start of a marker (three runes
// at least) that s holds.
func markerScore(s string, markers []string) int {
	best := 0
	for _, m := range markers {
		for k := len(m); k >= 3 && k > best; k-- {
			if strings.Contains(s, m[:k]) {
				best = k
				break
			}
		}
	}
	return best
}

// generator builds strings matching a parsed pattern.
type generator struct {
	markers []string
	// work is how many more strings it may build, bounding the time any
	// pattern takes.
	work int
}

// gen returns strings matching re, at most maxPerNode.
func (g *generator) gen(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpNoMatch:
		return nil
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return []string{strings.ToLower(string(re.Rune))}
		}
		return []string{string(re.Rune)}
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		if r, ok := filler(re); ok {
			return []string{string(r)}
		}
		return nil
	case syntax.OpCapture:
		return g.gen(re.Sub[0])
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			out = g.product(out, g.gen(sub))
			if len(out) == 0 {
				return nil
			}
		}
		return out
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			out = append(out, g.gen(sub)...)
		}
		return limit(out, maxPerNode)
	case syntax.OpStar:
		return g.repeat(re.Sub[0], 0, -1)
	case syntax.OpPlus:
		return g.repeat(re.Sub[0], 1, -1)
	case syntax.OpQuest:
		return g.repeat(re.Sub[0], 0, 1)
	case syntax.OpRepeat:
		return g.repeat(re.Sub[0], re.Min, re.Max)
	}
	return nil
}

// repeat returns strings of min to max (-1: any number of) repetitions of
// sub: the fewest, one more, and for a one-character sub a run of as much
// of each marker as it matches.
func (g *generator) repeat(sub *syntax.Regexp, min, max int) []string {
	var out []string
	if r, ok := filler(sub); ok && single(sub) {
		for _, m := range g.markers {
			run := []rune{}
			for _, c := range m {
				if (max >= 0 && len(run) >= max) || !matchesRune(sub, c) {
					break
				}
				run = append(run, c)
			}
			if len(run) == 0 {
				continue
			}
			for len(run) < min && len(run) < maxPatLen {
				run = append(run, r)
			}
			if len(run) >= min {
				out = append(out, string(run))
			}
		}
	}
	base := g.gen(sub)
	if min == 0 {
		out = append(out, "")
	}
	for _, b := range base {
		if n := min * utf8.RuneCountInString(b); min > 0 && n <= maxPatLen {
			out = append(out, strings.Repeat(b, min))
		}
	}
	if max < 0 || max > min {
		for _, b := range base {
			if n := (min + 1) * utf8.RuneCountInString(b); n <= maxPatLen {
				out = append(out, strings.Repeat(b, min+1))
			}
		}
	}
	return limit(out, maxPerNode)
}

// product returns every a+b, at most maxStrings and maxPatLen runes long.
func (g *generator) product(as, bs []string) []string {
	var out []string
	for _, a := range as {
		for _, b := range bs {
			if g.work--; g.work < 0 {
				return out
			}
			if utf8.RuneCountInString(a)+utf8.RuneCountInString(b) > maxPatLen {
				continue
			}
			out = append(out, a+b)
			if len(out) >= maxStrings {
				return out
			}
		}
	}
	return out
}

func limit(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// single reports whether re matches exactly one character.
func single(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 1
	case syntax.OpCapture:
		return single(re.Sub[0])
	}
	return false
}

// matchesRune reports whether the one-character re matches c.
func matchesRune(re *syntax.Regexp, c rune) bool {
	switch re.Op {
	case syntax.OpCapture:
		return matchesRune(re.Sub[0], c)
	case syntax.OpAnyChar:
		return true
	case syntax.OpAnyCharNotNL:
		return c != '\n'
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return strings.EqualFold(string(re.Rune), string(c))
		}
		return len(re.Rune) == 1 && re.Rune[0] == c
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if c >= re.Rune[i] && c <= re.Rune[i+1] {
				return true
			}
		}
	}
	return false
}

// filler returns a plain character that the one-character re matches:
// a letter, digit or one of -_. when it can, else the lowest it matches.
func filler(re *syntax.Regexp) (rune, bool) {
	switch re.Op {
	case syntax.OpCapture:
		return filler(re.Sub[0])
	case syntax.OpLiteral:
		if len(re.Rune) > 0 {
			return re.Rune[0], true
		}
		return 0, false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 'x', true
	case syntax.OpCharClass:
		for _, c := range fillerRunes {
			if matchesRune(re, c) {
				return c, true
			}
		}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for c := re.Rune[i]; c <= re.Rune[i+1] && c-re.Rune[i] < 128; c++ {
				if c > ' ' && c != 0x7f && utf8.ValidRune(c) {
					return c, true
				}
			}
		}
	}
	return 0, false
}
