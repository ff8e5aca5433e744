package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// appliedKind names the apply record in errors.
const appliedKind = "apply record"

var (
	appliedFields = []field{{"schema", true}, {"environment", true}, {"stacks", true}}
	stackFields   = []field{{"last", false}, {"started", false}}
	markFields    = []field{{"commit", true}, {"at", true}, {"run", false}, {"inventory_version", false}}
)

// ParseApplied decodes and checks an apply record, as strictly as Parse
// checks a document: it rejects a record over MaxDocumentSize, malformed
// JSON, a schema other than AppliedSchemaV1, unknown, duplicate or missing
// fields at any depth, null and values of the wrong type, an empty
// environment or stack name, a stack with neither mark, a mark without
// commit, a time that is not RFC 3339 and an inventory version that is not a
// positive integer. The error, an *InvalidError matching ErrInvalid, names
// the first problem found; the schema is checked first, so a record of a
// newer format is reported as such. Times come back in UTC to the second.
func ParseApplied(data []byte) (*Applied, error) {
	a, err := parseApplied(data)
	if err != nil {
		var ie *InvalidError
		if errors.As(err, &ie) {
			ie.Kind = appliedKind
		}
		return nil, err
	}
	return a, nil
}

func parseApplied(data []byte) (*Applied, error) {
	if err := checkSize(data); err != nil {
		return nil, err
	}
	raw, err := splitTop(data)
	if err != nil {
		return nil, err
	}
	a := &Applied{}
	if a.Schema, err = stringValue(raw["schema"], "schema"); err != nil {
		return nil, err
	}
	if a.Schema != AppliedSchemaV1 {
		return nil, unknownSchema(a.Schema)
	}
	if err := checkFields(raw, "", appliedFields); err != nil {
		return nil, err
	}
	if a.Environment, err = stringValue(raw["environment"], "environment"); err != nil {
		return nil, err
	}
	stacks, err := splitObject(raw["stacks"], "stacks")
	if err != nil {
		return nil, err
	}
	a.Stacks = make(map[string]AppliedStack, len(stacks))
	for _, tier := range sortedKeys(stacks) {
		if a.Stacks[tier], err = parseStack(stacks[tier], join("stacks", tier)); err != nil {
			return nil, err
		}
	}
	if err := a.check(); err != nil {
		return nil, err
	}
	return a, nil
}

func parseStack(data []byte, path string) (AppliedStack, error) {
	raw, err := splitObject(data, path)
	if err != nil {
		return AppliedStack{}, err
	}
	if err := checkFields(raw, path, stackFields); err != nil {
		return AppliedStack{}, err
	}
	var st AppliedStack
	for _, f := range []struct {
		name string
		dst  **ApplyMark
	}{{"last", &st.Last}, {"started", &st.Started}} {
		v, ok := raw[f.name]
		if !ok {
			continue
		}
		m, err := parseMark(v, join(path, f.name))
		if err != nil {
			return AppliedStack{}, err
		}
		*f.dst = &m
	}
	return st, nil
}

func parseMark(data []byte, path string) (ApplyMark, error) {
	raw, err := splitObject(data, path)
	if err != nil {
		return ApplyMark{}, err
	}
	if err := checkFields(raw, path, markFields); err != nil {
		return ApplyMark{}, err
	}
	var m ApplyMark
	if m.Commit, err = stringValue(raw["commit"], join(path, "commit")); err != nil {
		return ApplyMark{}, err
	}
	at, err := stringValue(raw["at"], join(path, "at"))
	if err != nil {
		return ApplyMark{}, err
	}
	if m.At, err = parseTime(at, join(path, "at")); err != nil {
		return ApplyMark{}, err
	}
	m.At = m.At.Truncate(time.Second)
	if v, ok := raw["run"]; ok {
		if m.Run, err = stringValue(v, join(path, "run")); err != nil {
			return ApplyMark{}, err
		}
	}
	if v, ok := raw["inventory_version"]; ok {
		field := join(path, "inventory_version")
		if err := json.Unmarshal(v, &m.InventoryVersion); err != nil || m.InventoryVersion <= 0 {
			return ApplyMark{}, &InvalidError{Field: field, Problem: "must be a positive integer", Err: err}
		}
	}
	return m, nil
}

// stringValue decodes a JSON string; null and other types are errors naming
// field.
func stringValue(v json.RawMessage, field string) (string, error) {
	if v == nil {
		return "", &InvalidError{Field: field, Problem: "missing"}
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil || bytes.Equal(v, []byte("null")) {
		return "", &InvalidError{Field: field, Problem: "must be a string", Err: err}
	}
	return s, nil
}

func unknownSchema(schema string) error {
	return &InvalidError{Kind: appliedKind, Field: "schema",
		Problem: fmt.Sprintf("unknown schema %q (this version of tierdeploy reads %s)", schema, AppliedSchemaV1)}
}

// check reports the first problem that makes a unfit to store: the checks
// ParseApplied makes beyond decoding, which Marshal makes too.
func (a *Applied) check() error {
	if a.Schema != AppliedSchemaV1 {
		return unknownSchema(a.Schema)
	}
	invalid := func(field, problem string) error {
		return &InvalidError{Kind: appliedKind, Field: field, Problem: problem}
	}
	if a.Environment == "" {
		return invalid("environment", "empty")
	}
	for _, tier := range sortedKeys(a.Stacks) {
		path := join("stacks", tier)
		st := a.Stacks[tier]
		switch {
		case tier == "":
			return invalid("stacks", "has an empty stack name")
		case st.Last == nil && st.Started == nil:
			return invalid(path, "has neither last nor started")
		}
		for _, m := range []struct {
			path string
			mark *ApplyMark
		}{{join(path, "last"), st.Last}, {join(path, "started"), st.Started}} {
			if m.mark == nil {
				continue
			}
			switch at := m.mark.At.UTC(); {
			case m.mark.Commit == "":
				return invalid(join(m.path, "commit"), "empty")
			case at.IsZero():
				return invalid(join(m.path, "at"), "is zero")
			case at.Year() < 1 || at.Year() > 9999:
				return invalid(join(m.path, "at"), fmt.Sprintf("%s is out of range", at.Format(time.RFC3339)))
			case m.mark.InventoryVersion < 0:
				return invalid(join(m.path, "inventory_version"), "must not be negative")
			}
		}
	}
	return nil
}
