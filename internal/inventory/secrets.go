package inventory

import (
	"encoding/json"
	"slices"
)

// SensitiveLeaves returns, sorted and without duplicates, the text of every
// value under the document's sensitive keys: each string and number (as
// written in the document), and the compact JSON of each sensitive object
// or list as a whole (a chart may encode a whole object, say into base64).
// Booleans and nulls are left out: masking "true" hides nothing. A stage
// that receives the inventory masks these in everything it shows, since
// it cannot tell where a configuration copies them (Terraform does not mark
// a value read from a variable of type any as sensitive). It returns nil for
// a nil document.
func SensitiveLeaves(d *Document) []string {
	if d == nil {
		return nil
	}
	set := map[string]bool{}
	for _, k := range d.Sensitive {
		raw, ok := d.Values[k]
		if !ok {
			continue
		}
		v, err := decodeValue(raw)
		if err != nil {
			// Not JSON (a document not yet validated): the text itself.
			set[string(raw)] = true
			continue
		}
		addLeaves(set, v)
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// addLeaves adds the strings and numbers in v, and the compact JSON of
// every object and list.
func addLeaves(set map[string]bool, v any) {
	switch t := v.(type) {
	case string:
		set[t] = true
	case json.Number:
		set[t.String()] = true
	case map[string]any:
		for _, e := range t {
			addLeaves(set, e)
		}
		addWhole(set, t)
	case []any:
		for _, e := range t {
			addLeaves(set, e)
		}
		addWhole(set, t)
	}
}

func addWhole(set map[string]bool, v any) {
	if b, err := encode(v); err == nil {
		set[string(b)] = true
	}
}
