package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"
)

type field struct {
	name     string
	required bool
}

// fields lists the top-level fields in document order.
var fields = []field{
	{"schema", true},
	{"environment", true},
	{"tier", true},
	{"commit", true},
	{"created", true},
	{"sensitive", false},
	{"values", true},
}

// MaxDocumentSize is the largest inventory document or apply record read.
// A stored inventory is at most 8 KB in SSM and a few kilobytes in files; a
// larger one is refused before it is decoded, so that a document planted in
// a store costs bounded memory.
const MaxDocumentSize = 1 << 20

// checkSize refuses data over MaxDocumentSize.
func checkSize(data []byte) error {
	if len(data) > MaxDocumentSize {
		return &InvalidError{Problem: fmt.Sprintf("is %d bytes, over the limit of %d bytes", len(data), MaxDocumentSize)}
	}
	return nil
}

// Parse decodes and checks an inventory document. It rejects a document
// over MaxDocumentSize, malformed JSON,
// a schema other than SchemaV1, unknown or duplicate top-level fields,
// missing fields, fields of the wrong type and sensitive keys without a
// value. The error, an *InvalidError matching ErrInvalid, names the first
// problem found. The schema is checked before anything else, so a document of
// a newer format is reported as such.
func Parse(data []byte) (*Document, error) {
	if err := checkSize(data); err != nil {
		return nil, err
	}
	raw, err := splitTop(data)
	if err != nil {
		return nil, err
	}
	schema, err := stringField(raw, "schema")
	if err != nil {
		return nil, err
	}
	if schema != SchemaV1 {
		return nil, &InvalidError{Field: "schema",
			Problem: fmt.Sprintf("unknown schema %q (this version of tierdeploy reads %s)", schema, SchemaV1)}
	}
	if err := checkFields(raw, "", fields); err != nil {
		return nil, err
	}
	d := &Document{Schema: schema}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"environment", &d.Environment}, {"tier", &d.Tier}, {"commit", &d.Commit}} {
		if *f.dst, err = stringField(raw, f.name); err != nil {
			return nil, err
		}
		if *f.dst == "" && f.name != "commit" {
			return nil, &InvalidError{Field: f.name, Problem: "empty"}
		}
	}
	created, err := stringField(raw, "created")
	if err != nil {
		return nil, err
	}
	if d.Created, err = parseTime(created, "created"); err != nil {
		return nil, err
	}
	if d.Values, err = parseValues(raw["values"]); err != nil {
		return nil, err
	}
	if d.Sensitive, err = parseSensitive(raw["sensitive"], d.Values); err != nil {
		return nil, err
	}
	return d, nil
}

// splitTop reads the top-level object into its raw fields.
func splitTop(data []byte) (map[string]json.RawMessage, error) { return splitObject(data, "") }

// splitObject reads a JSON object into its raw fields, rejecting duplicate
// keys. path names the object in errors; it is empty for the top level.
func splitObject(data []byte, path string) (map[string]json.RawMessage, error) {
	malformed := func(err error) error {
		return &InvalidError{Field: path, Problem: "malformed JSON: " + err.Error(), Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF) && path == "":
		return nil, &InvalidError{Problem: "empty"}
	case errors.Is(err, io.EOF):
		return nil, &InvalidError{Field: path, Problem: "must be an object"}
	case err != nil:
		return nil, malformed(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if path != "" {
			return nil, &InvalidError{Field: path, Problem: "must be an object"}
		}
		return nil, &InvalidError{Problem: "not a JSON object"}
	}
	raw := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed(err)
		}
		k, ok := tok.(string)
		if !ok {
			return nil, malformed(fmt.Errorf("object key %v is not a string", tok))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, malformed(err)
		}
		if _, dup := raw[k]; dup {
			return nil, &InvalidError{Field: join(path, k), Problem: "appears twice"}
		}
		raw[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, malformed(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &InvalidError{Field: path, Problem: "unexpected data after the JSON object"}
	}
	return raw, nil
}

// checkFields rejects fields of the object at path that are not listed,
// then required fields that are missing, each in a fixed order.
func checkFields(raw map[string]json.RawMessage, path string, known []field) error {
	for _, k := range sortedKeys(raw) {
		if !slices.ContainsFunc(known, func(f field) bool { return f.name == k }) {
			return &InvalidError{Field: join(path, k), Problem: "unknown field"}
		}
	}
	for _, f := range known {
		if _, ok := raw[f.name]; f.required && !ok {
			return &InvalidError{Field: join(path, f.name), Problem: "missing"}
		}
	}
	return nil
}

// parseTime reads an RFC 3339 time into UTC; field names it in errors.
func parseTime(s, field string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &InvalidError{Field: field, Problem: fmt.Sprintf("%q is not an RFC 3339 time", s), Err: err}
	}
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, &InvalidError{Field: field, Problem: fmt.Sprintf("%q is out of range", s)}
	}
	return t, nil
}

func stringField(raw map[string]json.RawMessage, name string) (string, error) {
	v, ok := raw[name]
	if !ok {
		return "", &InvalidError{Field: name, Problem: "missing"}
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", &InvalidError{Field: name, Problem: "must be a string", Err: err}
	}
	return s, nil
}

func parseValues(raw json.RawMessage) (map[string]json.RawMessage, error) {
	v, err := decodeValue(raw)
	if err != nil {
		return nil, &InvalidError{Field: "values", Problem: err.Error(), Err: err}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &InvalidError{Field: "values", Problem: "must be an object"}
	}
	values := make(map[string]json.RawMessage, len(obj))
	for k, x := range obj {
		if k == "" {
			return nil, &InvalidError{Field: "values", Problem: "has an empty key"}
		}
		if values[k], err = encode(x); err != nil {
			return nil, &InvalidError{Field: "values", Problem: fmt.Sprintf("key %q: %v", k, err), Err: err}
		}
	}
	return values, nil
}

func parseSensitive(raw json.RawMessage, values map[string]json.RawMessage) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil || keys == nil {
		return nil, &InvalidError{Field: "sensitive", Problem: "must be an array of strings", Err: err}
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 && keys[i-1] == k {
			return nil, &InvalidError{Field: "sensitive", Problem: fmt.Sprintf("lists %q twice", k)}
		}
		if _, ok := values[k]; !ok {
			return nil, &InvalidError{Field: "sensitive", Problem: fmt.Sprintf("lists %q, which has no value", k)}
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return keys, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
