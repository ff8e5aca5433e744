package inventory

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
)

// Entry is one changed leaf of the inventory, by dotted path.
type Entry struct {
	// Key is the dotted path, such as "meltano_database.host". Objects are
	// compared key by key; lists and the values of sensitive keys are
	// compared whole.
	Key string
	// Before is the old value, nil when the key is new.
	Before json.RawMessage
	// After is the new value, nil when the key goes away or is not known
	// until apply.
	After json.RawMessage
	// Sensitive is set when the top-level key holds a secret in either
	// document; render the entry through Change.Masked or Change.Text.
	Sensitive bool
}

// Change is the difference between two inventories, or the predicted one
// between the current inventory and the outputs a plan will produce. Each
// list is sorted by key. Values of sensitive entries are not masked here: use
// Masked or Text before showing them.
type Change struct {
	Added   []Entry
	Removed []Entry
	Changed []Entry
	// KnownAfterApply lists the outputs whose new value Terraform will know
	// only after apply; only Predict fills it.
	KnownAfterApply []Entry
}

// Empty reports whether nothing changes. An empty predicted change means the
// tiers that read the inventory need not be deployed for it.
func (c Change) Empty() bool {
	return len(c.Added)+len(c.Removed)+len(c.Changed)+len(c.KnownAfterApply) == 0
}

// Keys returns every changed key, sorted.
func (c Change) Keys() []string {
	var keys []string
	for _, l := range [][]Entry{c.Added, c.Removed, c.Changed, c.KnownAfterApply} {
		for _, e := range l {
			keys = append(keys, e.Key)
		}
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}

// Diff compares two documents leaf by leaf. A nil document counts as empty,
// so Diff(nil, doc) lists every key of doc as added. Commit and creation time
// are not compared.
func Diff(old, new *Document) Change {
	sens := func(k string) bool {
		return (old != nil && old.IsSensitive(k)) || (new != nil && new.IsSensitive(k))
	}
	return diffValues(valuesOf(old), valuesOf(new), sens)
}

// OutputChange is one output of a Terraform plan (the plan's output_changes).
type OutputChange struct {
	Name string
	// Before and After are the output's JSON values; After is ignored when
	// AfterUnknown or Sensitive is set (a plan hides a sensitive value).
	Before, After json.RawMessage
	// AfterUnknown is set when the value is known only after apply.
	AfterUnknown bool
	Sensitive    bool
	// Action is Terraform's action: "create", "update", "delete" or "no-op".
	Action string
}

// Predict returns the inventory change that applying a plan with these output
// changes will publish, compared with the current document (nil when none
// was published yet). Outputs the plan does not mention keep their current
// value. Sensitive outputs count only when listed in includeSensitive, as in
// Build. Outputs whose value is unknown until apply are listed in
// KnownAfterApply rather than compared, and so are the sensitive outputs
// that the plan creates or updates: a plan never shows their new value (it
// shows a stand-in such as "(sensitive value)"), so it is known only after
// apply.
func Predict(current *Document, changes []OutputChange, includeSensitive []string) Change {
	base := valuesOf(current)
	next, unknownKeys, sensitive := predict(current, changes, includeSensitive)
	unknown := make([]Entry, 0, len(unknownKeys))
	for _, k := range unknownKeys {
		unknown = append(unknown, Entry{Key: k, Before: base[k], Sensitive: sensitive[k]})
		delete(base, k)
	}
	c := diffValues(base, next, func(k string) bool { return sensitive[k] })
	sortEntries(unknown)
	c.KnownAfterApply = unknown
	return c
}

// PredictValues returns the values the inventory will hold after applying a
// plan with these output changes, for planning the tiers that read it before
// the infrastructure is applied. Outputs known only after apply keep their
// current value (absent when there is none) and are listed in unknown, sorted,
// so the caller can say the plan used an old value.
//
// A sensitive output that the plan creates or updates is known only after
// apply too (Predict): it keeps its current value, which is masked wherever
// it shows, and is listed in unknown only when there is none. So a
// dependent stack is never planned with a stand-in text as the secret, and
// when the secret does not in fact change (an output only marked sensitive,
// say) its plan at apply is the one reviewed.
func PredictValues(current *Document, changes []OutputChange, includeSensitive []string) (values map[string]json.RawMessage, unknown []string) {
	next, unknownKeys, sensitive := predict(current, changes, includeSensitive)
	base := valuesOf(current)
	unknown = []string{}
	for _, k := range unknownKeys {
		v, ok := base[k]
		if ok {
			next[k] = v
		}
		if !ok || !sensitive[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		unknown = nil
	}
	sort.Strings(unknown)
	return next, unknown
}

// predict applies the output changes to the current values: the known new
// values, without the outputs known only after apply (returned apart), and
// which keys are sensitive.
func predict(current *Document, changes []OutputChange, includeSensitive []string) (map[string]json.RawMessage, []string, map[string]bool) {
	base := valuesOf(current)
	next := make(map[string]json.RawMessage, len(base))
	for k, v := range base {
		next[k] = v
	}
	sensitive := map[string]bool{}
	if current != nil {
		for _, k := range current.Sensitive {
			sensitive[k] = true
		}
	}
	var unknown []string
	for _, oc := range changes {
		switch {
		case oc.Sensitive && !slices.Contains(includeSensitive, oc.Name), oc.Action == "delete":
			delete(next, oc.Name)
			continue
		case oc.Sensitive:
			sensitive[oc.Name] = true
		}
		// The new value of a sensitive output is not in the plan: what
		// stands there is a mask, never to be taken for the value. One the
		// plan leaves alone keeps the value it has.
		if _, has := next[oc.Name]; oc.Sensitive && oc.Action == "no-op" && !oc.AfterUnknown && has {
			continue
		}
		if oc.AfterUnknown || oc.Sensitive {
			unknown = append(unknown, oc.Name)
			delete(next, oc.Name)
			continue
		}
		after := oc.After
		if after == nil {
			after = json.RawMessage("null")
		}
		next[oc.Name] = after
	}
	return next, unknown, sensitive
}

func valuesOf(d *Document) map[string]json.RawMessage {
	if d == nil {
		return map[string]json.RawMessage{}
	}
	m := make(map[string]json.RawMessage, len(d.Values))
	for k, v := range d.Values {
		m[k] = v
	}
	return m
}

func diffValues(old, new map[string]json.RawMessage, sensitive func(string) bool) Change {
	top := map[string]bool{}
	a := flatten(old, sensitive, top)
	b := flatten(new, sensitive, top)
	var c Change
	for k, before := range a {
		after, ok := b[k]
		switch {
		case !ok:
			c.Removed = append(c.Removed, Entry{Key: k, Before: before, Sensitive: top[k]})
		case !bytes.Equal(before, after):
			c.Changed = append(c.Changed, Entry{Key: k, Before: before, After: after, Sensitive: top[k]})
		}
	}
	for k, after := range b {
		if _, ok := a[k]; !ok {
			c.Added = append(c.Added, Entry{Key: k, After: after, Sensitive: top[k]})
		}
	}
	sortEntries(c.Added)
	sortEntries(c.Removed)
	sortEntries(c.Changed)
	return c
}

// flatten maps each leaf's dotted path to its canonical value. Values of
// sensitive keys stay whole, so that not even their shape shows. sens
// records, for each path, whether its top-level key is sensitive.
func flatten(values map[string]json.RawMessage, sensitive func(string) bool, sens map[string]bool) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, raw := range values {
		s := sensitive(k)
		v, err := decodeValue(raw)
		if err != nil || s {
			if c, err := canonical(raw); err == nil {
				raw = c
			}
			out[k] = raw
			sens[k] = sens[k] || s
			continue
		}
		walk(k, v, func(path string, leaf json.RawMessage) {
			out[path] = leaf
			sens[path] = sens[path] || s
		})
	}
	return out
}

func walk(path string, v any, leaf func(string, json.RawMessage)) {
	if obj, ok := v.(map[string]any); ok && len(obj) > 0 {
		for k, x := range obj {
			walk(path+"."+k, x, leaf)
		}
		return
	}
	b, err := encode(v)
	if err != nil {
		return
	}
	leaf(path, b)
}

func sortEntries(es []Entry) {
	sort.Slice(es, func(i, j int) bool { return es[i].Key < es[j].Key })
}
