package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"
)

// SchemaV1 identifies the document format this package reads and writes.
const SchemaV1 = "tierdeploy.inventory/v1"

// Document is one environment's inventory: the outputs of the tier that
// publishes it, at one commit.
type Document struct {
	Schema      string
	Environment string
	Tier        string
	// Commit is the revision whose apply produced the values.
	Commit string
	// Created is when the document was built, in UTC, to the second.
	Created time.Time
	// Sensitive lists, sorted, the top-level keys whose values are secrets.
	Sensitive []string
	// Values maps each output name to its value, as canonical JSON.
	Values map[string]json.RawMessage
}

// wire is the encoded form; the field order is the order in the document.
type wire struct {
	Schema      string                     `json:"schema"`
	Environment string                     `json:"environment"`
	Tier        string                     `json:"tier"`
	Commit      string                     `json:"commit"`
	Created     string                     `json:"created"`
	Sensitive   []string                   `json:"sensitive,omitempty"`
	Values      map[string]json.RawMessage `json:"values"`
}

// Marshal returns the canonical encoding of d: compact, fields in a fixed
// order, object keys sorted at every depth. The same content always gives
// the same bytes. It fails only when a value is not valid JSON.
func (d *Document) Marshal() ([]byte, error) {
	w := wire{
		Schema:      d.Schema,
		Environment: d.Environment,
		Tier:        d.Tier,
		Commit:      d.Commit,
		Created:     d.Created.UTC().Format(time.RFC3339),
		Values:      make(map[string]json.RawMessage, len(d.Values)),
	}
	if len(d.Sensitive) > 0 {
		w.Sensitive = slices.Sorted(slices.Values(d.Sensitive))
	}
	for k, v := range d.Values {
		c, err := canonical(v)
		if err != nil {
			return nil, fmt.Errorf("marshal inventory value %q: %w", k, err)
		}
		w.Values[k] = c
	}
	b, err := encode(w)
	if err != nil {
		return nil, fmt.Errorf("marshal inventory: %w", err)
	}
	return b, nil
}

// MarshalIndent is Marshal indented by two spaces, with a final newline, for
// files people read.
func (d *Document) MarshalIndent() ([]byte, error) {
	b, err := d.Marshal()
	if err != nil {
		return nil, err
	}
	return indent(b, "inventory")
}

// MarshalJSON implements json.Marshaler with the canonical encoding.
func (d *Document) MarshalJSON() ([]byte, error) { return d.Marshal() }

// UnmarshalJSON implements json.Unmarshaler with the checks of Parse.
func (d *Document) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*d = *p
	return nil
}

// SameContent reports whether d and o hold the same schema, environment,
// tier, sensitive keys and values, ignoring the commit and the creation time.
// Stores use it to skip writing a document that did not change.
func (d *Document) SameContent(o *Document) bool {
	if d == nil || o == nil {
		return d == o
	}
	a, errA := d.contentBytes()
	b, errB := o.contentBytes()
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

func (d *Document) contentBytes() ([]byte, error) {
	c := *d
	c.Commit = ""
	c.Created = time.Time{}
	return c.Marshal()
}

// IsSensitive reports whether the top-level key holds a secret.
func (d *Document) IsSensitive(key string) bool {
	return slices.Contains(d.Sensitive, key)
}

// Keys returns the top-level keys, sorted.
func (d *Document) Keys() []string {
	keys := make([]string, 0, len(d.Values))
	for k := range d.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// KeySize is the share of one top-level key in the encoded document.
type KeySize struct {
	Key string
	// Bytes counts the key, its value and their punctuation.
	Bytes int
}

// Sizes returns the encoded size of each top-level key, largest first (ties
// by key). It tells which outputs to drop when a document is too large for
// its store.
func (d *Document) Sizes() []KeySize {
	sizes := make([]KeySize, 0, len(d.Values))
	for k, v := range d.Values {
		kb, _ := encode(k)
		n := len(v)
		if c, err := canonical(v); err == nil {
			n = len(c)
		}
		sizes = append(sizes, KeySize{Key: k, Bytes: len(kb) + 1 + n + 1})
	}
	sort.Slice(sizes, func(i, j int) bool {
		if sizes[i].Bytes != sizes[j].Bytes {
			return sizes[i].Bytes > sizes[j].Bytes
		}
		return sizes[i].Key < sizes[j].Key
	})
	return sizes
}
