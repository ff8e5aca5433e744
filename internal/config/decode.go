package config

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Pos is a position in the configuration file.
type Pos struct {
	Line   int
	Column int
}

// positions maps key paths ("tiers[0].name") to the position of their value.
type positions map[string]Pos

// decoder decodes a YAML node tree into Go values strictly: unknown keys,
// wrong types and duplicate keys are errors naming the key path and line.
type decoder struct {
	pos  positions
	errs *Errors
}

var (
	durationType = reflect.TypeFor[Duration]()
	setValueType = reflect.TypeFor[SetValue]()
)

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs.add(Pos{Line: n.Line, Column: n.Column}, path, fmt.Sprintf(format, args...))
}

// decode fills v (a pointer's element) from n. path names the key for errors.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if path != "" {
		d.pos[path] = Pos{Line: n.Line, Column: n.Column}
	}
	if v.Type() == setValueType {
		d.setValue(n, v, path)
		return
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty value keeps the default
	}
	if v.Type() == durationType {
		d.duration(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.structure(n, v, path)
	case reflect.Slice:
		d.slice(n, v, path)
	case reflect.Map:
		d.mapping(n, v, path)
	case reflect.String:
		if d.scalar(n, path, "a string") {
			v.SetString(n.Value)
		}
	case reflect.Bool:
		if !d.scalar(n, path, "true or false") {
			return
		}
		b, err := strconv.ParseBool(n.Value)
		if err != nil || n.Tag != "!!bool" {
			d.fail(n, path, "must be true or false, not %q", n.Value)
			return
		}
		v.SetBool(b)
	case reflect.Int:
		if !d.scalar(n, path, "a whole number") {
			return
		}
		i, err := strconv.Atoi(n.Value)
		if err != nil || n.Tag != "!!int" {
			d.fail(n, path, "must be a whole number, not %q", n.Value)
			return
		}
		v.SetInt(int64(i))
	default:
		panic("config: cannot decode into " + v.Type().String())
	}
}

func (d *decoder) scalar(n *yaml.Node, path, want string) bool {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "must be %s, not %s", want, kindName(n))
		return false
	}
	return true
}

func (d *decoder) duration(n *yaml.Node, v reflect.Value, path string) {
	if !d.scalar(n, path, `a duration such as "5m"`) {
		return
	}
	t, err := time.ParseDuration(n.Value)
	if err != nil || t < 0 {
		d.fail(n, path, `must be a duration such as "90s" or "5m", not %q`, n.Value)
		return
	}
	v.SetInt(int64(t))
}

// setValue decodes a scalar keeping its YAML type.
func (d *decoder) setValue(n *yaml.Node, v reflect.Value, path string) {
	const want = "a string, a number or true/false (set lists and maps in a values file)"
	if !d.scalar(n, path, want) {
		return
	}
	var val any
	switch n.Tag {
	case "!!str":
		val = n.Value
	case "!!int":
		i, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			d.fail(n, path, "must be a whole number that fits 64 bits, not %q", n.Value)
			return
		}
		val = i
	case "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			d.fail(n, path, "must be a finite number, not %q", n.Value)
			return
		}
		val = f
	case "!!bool":
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			d.fail(n, path, "must be true or false, not %q", n.Value)
			return
		}
		val = b
	default:
		d.fail(n, path, "must be %s, not %s", want, kindName(n))
		return
	}
	v.Set(reflect.ValueOf(SetValue{Value: val}))
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping of keys to values, not %s", kindName(n))
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = i
		names = append(names, tag)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		if seen[k.Value] {
			d.fail(k, key, "is set twice")
			continue
		}
		seen[k.Value] = true
		idx, ok := fields[k.Value]
		if !ok {
			msg := "is not a known key"
			if s := suggest(k.Value, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (known: " + strings.Join(sorted(names), ", ") + ")"
			}
			d.fail(k, key, "%s", msg)
			continue
		}
		d.decode(val, v.Field(idx), key)
	}
}

func (d *decoder) slice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "must be a list, not %s", kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping, not %s", kindName(n))
		return
	}
	m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		key := join(path, k.Value)
		if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
			d.fail(k, key, "is set twice")
			continue
		}
		e := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, e, key)
		m.SetMapIndex(reflect.ValueOf(k.Value), e)
	}
	v.Set(m)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "this value"
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// suggest returns the candidate closest to s when it is a plausible typo.
func suggest(s string, candidates []string) string {
	if len(s) >= 3 {
		// Of the keys s begins or ends, the closest.
		best := ""
		for _, c := range candidates {
			if c != s && (strings.HasPrefix(c, s) || strings.HasPrefix(s, c)) &&
				(best == "" || distance(s, c) < distance(s, best)) {
				best = c
			}
		}
		if best != "" {
			return best
		}
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := distance(s, c); d < bestDist || (d == bestDist && best == "") && d <= 2 {
			best, bestDist = c, d
		}
	}
	if bestDist > 2 || (bestDist == 2 && len(s) < 5) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
