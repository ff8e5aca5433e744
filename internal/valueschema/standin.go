package valueschema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Marker is the text stand-in strings carry where the schema allows; the
// forms after it are tried when a pattern refuses the first.
const Marker = "(known after apply)"

// markers are the spellings of Marker tried for a string, best first.
var markers = []string{Marker, "known-after-apply", "known_after_apply", "knownafterapply", "KNOWN_AFTER_APPLY"}

// formatStandIns are stand-ins for the string formats JSON Schema names,
// from ranges reserved for documentation where there are such.
var formatStandIns = map[string]string{
	"email":         "known-after-apply@example.invalid",
	"idn-email":     "known-after-apply@example.invalid",
	"hostname":      "known-after-apply.invalid",
	"idn-hostname":  "known-after-apply.invalid",
	"uri":           "https://known-after-apply.invalid/",
	"iri":           "https://known-after-apply.invalid/",
	"uri-reference": "https://known-after-apply.invalid/",
	"url":           "https://known-after-apply.invalid/",
	"ipv4":          "192.0.2.1",
	"ipv6":          "2001:db8::1",
	"date-time":     "2000-01-01T00:00:00Z",
	"date":          "2000-01-01",
	"time":          "00:00:00Z",
	"duration":      "PT1S",
	"uuid":          "00000000-0000-4000-8000-000000000000",
}

// maxNodes bounds the schema nodes visited for one path, so that a schema
// of references to references cannot make Candidates slow.
const maxNodes = 10000

// maxCandidates bounds the stand-ins returned for one path.
const maxCandidates = 16

// Candidates returns stand-ins for the value at path (keys from the top of
// the values), best first: for each subschema that applies there, values
// of its type within its constraints (const and enum values, numbers in
// its range, strings matching its pattern and length, carrying Marker
// where they can), then the other types it allows, null last. A string
// stand-in is never empty and a number never zero when the schema allows
// another, so that templates take the branch a real value would. Nil
// means the schema says nothing of the value's type; the caller checks
// the stand-ins with Validate, since one subschema's stand-in may break
// another's constraint.
func (s *Schema) Candidates(path []string) []any {
	w := &walker{root: s.doc}
	nodes := w.expand([]any{s.doc})
	for _, key := range path {
		nodes = w.expand(w.children(nodes, key))
	}
	var out []any
	seen := map[string]bool{}
	for _, n := range nodes {
		m, ok := n.(map[string]any)
		if !ok {
			continue
		}
		for _, c := range candidatesOf(m) {
			k := fmt.Sprintf("%T:%v", c, c)
			if !seen[k] && len(out) < maxCandidates {
				seen[k] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// walker follows a schema document.
type walker struct {
	root  any
	nodes int
}

// expand returns the nodes and every node they apply through $ref, allOf,
// anyOf, oneOf, then and else, each once.
func (w *walker) expand(nodes []any) []any {
	var out []any
	seen := map[uintptr]bool{}
	var visit func(n any)
	visit = func(n any) {
		m, ok := n.(map[string]any)
		if !ok || w.nodes >= maxNodes {
			return
		}
		id := reflect.ValueOf(m).Pointer()
		if seen[id] {
			return
		}
		seen[id] = true
		w.nodes++
		out = append(out, m)
		if ref, ok := m["$ref"].(string); ok {
			if target, ok := w.resolve(ref); ok {
				visit(target)
			}
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf"} {
			if list, ok := m[k].([]any); ok {
				for _, sub := range list {
					visit(sub)
				}
			}
		}
		visit(m["then"])
		visit(m["else"])
	}
	for _, n := range nodes {
		visit(n)
	}
	return out
}

// children returns the subschemas that apply to the property key of an
// object described by nodes.
func (w *walker) children(nodes []any, key string) []any {
	var out []any
	for _, n := range nodes {
		m, ok := n.(map[string]any)
		if !ok {
			continue
		}
		matched := false
		if props, ok := m["properties"].(map[string]any); ok {
			if sub, ok := props[key]; ok {
				out = append(out, sub)
				matched = true
			}
		}
		if pp, ok := m["patternProperties"].(map[string]any); ok {
			for pat, sub := range pp {
				if re, err := regexp.Compile(pat); err == nil && re.MatchString(key) {
					out = append(out, sub)
					matched = true
				}
			}
		}
		if !matched {
			if ap, ok := m["additionalProperties"].(map[string]any); ok {
				out = append(out, ap)
			}
		}
	}
	return out
}

// resolve follows a reference inside the document ("#/definitions/x");
// ok is false for any other.
func (w *walker) resolve(ref string) (any, bool) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	cur := w.root
	if frag == "" {
		return cur, true
	}
	if !strings.HasPrefix(frag, "/") {
		return nil, false
	}
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			if cur, ok = c[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// candidatesOf returns stand-ins satisfying the one subschema m, as far as
// its own keywords go.
func candidatesOf(m map[string]any) []any {
	if c, ok := m["const"]; ok {
		return []any{c}
	}
	if enum, ok := m["enum"].([]any); ok {
		out := make([]any, 0, len(enum))
		for _, e := range enum {
			if e != nil {
				out = append(out, e)
			}
		}
		return out
	}
	var out []any
	nullable := false
	for _, t := range types(m) {
		switch t {
		case "string":
			for _, s := range stringCandidates(m) {
				out = append(out, s)
			}
		case "integer":
			if i, ok := integerCandidate(m); ok {
				out = append(out, i)
			}
		case "number":
			if f, ok := numberCandidate(m); ok {
				out = append(out, f)
			}
		case "boolean":
			out = append(out, true, false)
		case "object":
			out = append(out, map[string]any{})
		case "array":
			out = append(out, []any{})
		case "null":
			nullable = true
		}
	}
	if nullable {
		out = append(out, nil)
	}
	return out
}

// types returns the types a subschema allows: its type keyword, else what
// its keywords imply.
func types(m map[string]any) []string {
	switch t := m["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := m[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("pattern", "minLength", "maxLength", "format"):
		return []string{"string"}
	case has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
		return []string{"number"}
	}
	return nil
}

// stringCandidates returns strings satisfying a subschema's pattern and
// lengths, carrying Marker where they can.
func stringCandidates(m map[string]any) []string {
	minLen, _ := whole(m["minLength"])
	maxLen, hasMax := whole(m["maxLength"])
	if !hasMax {
		maxLen = math.MaxInt
	}
	pattern, _ := m["pattern"].(string)
	var re *regexp.Regexp
	if pattern != "" {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			return nil
		}
	}
	var pool []string
	if f, ok := m["format"].(string); ok && formatStandIns[f] != "" {
		pool = append(pool, formatStandIns[f])
	}
	pool = append(pool, markers...)
	if pattern != "" {
		pool = append(pool, patternStrings(pattern, markers[1:])...)
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		n := utf8.RuneCountInString(s)
		if s == "" || seen[s] || n < minLen || n > maxLen || (re != nil && !re.MatchString(s)) {
			return
		}
		seen[s] = true
		out = append(out, s)
	}
	for _, s := range pool {
		add(s)
		// Fit the length: cut to the maximum, pad to the minimum.
		if r := []rune(s); len(r) > maxLen && maxLen > 0 {
			add(string(r[:maxLen]))
		} else if len(r) < minLen && minLen <= 1024 {
			add(s + strings.Repeat("x", minLen-len(r)))
		}
	}
	return out
}

// integerCandidate returns the smallest whole number of at least 1 (or of
// the minimum, when that is higher) within the subschema's range and
// multiple; ok is false when there is none.
func integerCandidate(m map[string]any) (int64, bool) {
	lo, hi := math.Inf(-1), math.Inf(1)
	if v, ok := number(m["minimum"]); ok {
		lo = v
		if b, _ := m["exclusiveMinimum"].(bool); b {
			lo = math.Nextafter(v, math.Inf(1))
		}
	}
	if v, ok := number(m["exclusiveMinimum"]); ok {
		lo = math.Max(lo, math.Nextafter(v, math.Inf(1)))
	}
	if v, ok := number(m["maximum"]); ok {
		hi = v
		if b, _ := m["exclusiveMaximum"].(bool); b {
			hi = math.Nextafter(v, math.Inf(-1))
		}
	}
	if v, ok := number(m["exclusiveMaximum"]); ok {
		hi = math.Min(hi, math.Nextafter(v, math.Inf(-1)))
	}
	step := 1.0
	if v, ok := number(m["multipleOf"]); ok && v > 0 && v == math.Trunc(v) {
		step = v
	}
	for _, start := range []float64{math.Max(lo, 1), lo} {
		if math.IsInf(start, 0) || math.Abs(start) > 1<<53 {
			continue
		}
		c := math.Ceil(math.Ceil(start)/step) * step
		if c <= hi && c >= lo {
			return int64(c), true
		}
	}
	if math.IsInf(lo, -1) && hi >= 1 {
		return 1, true
	}
	if math.IsInf(lo, -1) && !math.IsInf(hi, 0) && math.Abs(hi) <= 1<<53 {
		c := math.Floor(math.Floor(hi)/step) * step
		return int64(c), true
	}
	return 0, false
}

// numberCandidate returns a number within the subschema's range: a whole
// one where there is one.
func numberCandidate(m map[string]any) (any, bool) {
	if i, ok := integerCandidate(m); ok {
		return i, true
	}
	lo, okLo := number(m["minimum"])
	hi, okHi := number(m["maximum"])
	if okLo && okHi && lo <= hi {
		return (lo + hi) / 2, true
	}
	return nil, false
}

// number reads a JSON number.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// whole reads a non-negative whole JSON number of at most 1<<20.
func whole(v any) (int, bool) {
	f, ok := number(v)
	if !ok || f < 0 || f != math.Trunc(f) {
		return 0, false
	}
	return int(math.Min(f, 1<<20)), true
}
