package checkinput

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// masker collects the values that sensitivity marks cover while it masks
// them, then masks them wherever else they appear.
type masker struct {
	secrets map[string]bool
}

func newMasker(extra ...[]string) *masker {
	m := &masker{secrets: map[string]bool{}}
	for _, ss := range extra {
		for _, s := range ss {
			m.secrets[s] = true
		}
	}
	return m
}

// byMarks returns v with the parts that marks marks replaced by Marker, and
// records their values. marks is a sensitivity tree as Terraform writes
// it: true, or an object or array of trees beside v. A tree that marks
// something but does not fit v's shape masks v whole.
func (m *masker) byMarks(v, marks any) any {
	switch mk := marks.(type) {
	case bool:
		if mk {
			return m.whole(v)
		}
		return v
	case map[string]any:
		vm, ok := v.(map[string]any)
		if !ok {
			if v != nil && marksAny(mk) {
				return m.whole(v)
			}
			return v
		}
		for k, sub := range mk {
			if val, has := vm[k]; has {
				vm[k] = m.byMarks(val, sub)
			}
		}
		return vm
	case []any:
		va, ok := v.([]any)
		if !ok || len(va) != len(mk) {
			if v != nil && marksAny(mk) {
				return m.whole(v)
			}
			return v
		}
		for i, sub := range mk {
			va[i] = m.byMarks(va[i], sub)
		}
		return va
	}
	return v
}

// whole records the leaves of v and returns Marker; null stays null (it
// reveals nothing).
func (m *masker) whole(v any) any {
	if v == nil {
		return nil
	}
	addLeaves(m.secrets, v)
	return Marker
}

// marksAny reports whether a sensitivity tree marks anything.
func marksAny(marks any) bool {
	switch mk := marks.(type) {
	case bool:
		return mk
	case map[string]any:
		for _, sub := range mk {
			if marksAny(sub) {
				return true
			}
		}
	case []any:
		for _, sub := range mk {
			if marksAny(sub) {
				return true
			}
		}
	}
	return false
}

// addLeaves adds the strings and numbers in v. Booleans and nulls are left
// out: masking true would hide nothing.
func addLeaves(set map[string]bool, v any) {
	switch t := v.(type) {
	case string:
		set[t] = true
	case json.Number:
		set[t.String()] = true
	case float64:
		set[strconv.FormatFloat(t, 'f', -1, 64)] = true
	case int:
		set[strconv.Itoa(t)] = true
	case map[string]any:
		for _, e := range t {
			addLeaves(set, e)
		}
	case []any:
		for _, e := range t {
			addLeaves(set, e)
		}
	}
}

// everywhere masks, in the whole of v, every string that holds a recorded
// secret (in clear or a common encoding; see redact) and every number equal
// to one, and every object key that holds one. It returns the new v and
// the secrets, sorted.
func (m *masker) everywhere(v any) (any, []string) {
	secrets := keys(m.secrets)
	mask := redact.New(secrets...)
	if len(secrets) == 0 {
		return v, secrets
	}
	numbers := map[string]bool{}
	for _, s := range secrets {
		if len(s) >= redact.MinLen {
			numbers[s] = true
		}
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			if mask.Contains(t) {
				return Marker
			}
		case json.Number:
			if numbers[t.String()] {
				return Marker
			}
		case map[string]any:
			var renamed []string
			for k, e := range t {
				t[k] = walk(e)
				if mask.Contains(k) {
					renamed = append(renamed, k)
				}
			}
			slices.Sort(renamed)
			for _, k := range renamed {
				e := t[k]
				delete(t, k)
				t[uniqueKey(t, mask.String(k))] = e
			}
		case []any:
			for i, e := range t {
				t[i] = walk(e)
			}
		}
		return v
	}
	return walk(v), secrets
}

// uniqueKey returns k, or k with a number appended, that is not yet a key
// of m.
func uniqueKey(m map[string]any, k string) string {
	if _, taken := m[k]; !taken {
		return k
	}
	for i := 2; ; i++ {
		c := k + " " + strconv.Itoa(i)
		if _, taken := m[c]; !taken {
			return c
		}
	}
}
