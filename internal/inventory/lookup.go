package inventory

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// maxAvailable caps the keys a KeyError lists.
const maxAvailable = 20

// Lookup returns the value at a dotted path in the document's values, such as
// "meltano_database.host" or "subnet_ids.0", and whether it is sensitive (its
// top-level key is). Object keys that contain dots are matched whole, the
// longest first. Numbers come back as int64 when integral, float64
// otherwise; objects as map[string]any and lists as []any. A missing key is a
// *KeyError naming the key, the environment and the commit.
func Lookup(d *Document, key string) (any, bool, error) {
	notFound := func(missing, reason string, avail []string) error {
		if len(avail) > maxAvailable {
			avail = append(avail[:maxAvailable:maxAvailable], "...")
		}
		return &KeyError{Key: key, Missing: missing, Environment: d.Environment, Commit: d.Commit,
			Available: avail, Reason: reason}
	}
	root := make(map[string]any, len(d.Values))
	for k, raw := range d.Values {
		v, err := decodeValue(raw)
		if err != nil {
			return nil, false, fmt.Errorf("lookup %s: value %q: %w", key, k, err)
		}
		root[k] = v
	}
	if key == "" {
		return nil, false, notFound("", "", d.Keys())
	}
	var (
		cur       any = root
		resolved  string
		rest      = key
		sensitive bool
	)
	for rest != "" {
		switch c := cur.(type) {
		case map[string]any:
			k, ok := matchKey(c, rest)
			if !ok {
				seg, _, _ := strings.Cut(rest, ".")
				return nil, false, notFound(join(resolved, seg), "", sortedKeys(c))
			}
			if resolved == "" {
				sensitive = d.IsSensitive(k)
			}
			cur, resolved = c[k], join(resolved, k)
			rest = strings.TrimPrefix(strings.TrimPrefix(rest, k), ".")
		case []any:
			seg, after, _ := strings.Cut(rest, ".")
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false, notFound(resolved,
					fmt.Sprintf("is a list of %d, which has no element %q", len(c), seg), nil)
			}
			cur, resolved, rest = c[i], join(resolved, seg), after
		default:
			return nil, false, notFound(resolved, "is "+kindOf(cur)+", not an object", nil)
		}
	}
	return plain(cur), sensitive, nil
}

// matchKey returns the longest key of obj that is path or a dotted prefix of
// it.
func matchKey(obj map[string]any, path string) (string, bool) {
	if _, ok := obj[path]; ok {
		return path, true
	}
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' {
			if _, ok := obj[path[:i]]; ok {
				return path[:i], true
			}
		}
	}
	return "", false
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a bool"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	default:
		return "an object"
	}
}

// plain converts json.Number values to int64 or float64, recursively.
func plain(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case map[string]any:
		for k, x := range t {
			t[k] = plain(x)
		}
		return t
	case []any:
		for i, x := range t {
			t[i] = plain(x)
		}
		return t
	default:
		return v
	}
}
