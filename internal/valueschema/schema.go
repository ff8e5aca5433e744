package valueschema

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaURL is the name the schema is compiled under.
const schemaURL = "file:///values.schema.json"

// Schema is a compiled values schema.
type Schema struct {
	// doc is the schema document as decoded JSON (numbers as json.Number),
	// which Candidates walks.
	doc      any
	compiled *jsonschema.Schema
}

// Violation is one way values break a schema.
type Violation struct {
	// Path is the location of the offending value: the keys (and list
	// indexes, as decimal strings) from the top of the values.
	Path []string
	// Message says which rule the value breaks; it never quotes the
	// value, which may be a secret.
	Message string
}

// String returns "/a/b: message".
func (v Violation) String() string { return "/" + strings.Join(v.Path, "/") + ": " + v.Message }

// Under reports whether the violation lies at path or inside it.
func (v Violation) Under(path []string) bool {
	return len(v.Path) >= len(path) && slices.Equal(v.Path[:len(path)], path)
}

// Compile reads and compiles a schema document. A document that is not
// JSON, is not a valid schema or refers to another document is a
// *CompileError (matching ErrExternalRef in the last case).
func Compile(doc []byte) (s *Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, &CompileError{Err: fmt.Errorf("%v", r)}
		}
	}()
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, &CompileError{Err: err}
	}
	c := jsonschema.NewCompiler()
	refuse := &refuseLoader{}
	c.UseLoader(refuse)
	if err := c.AddResource(schemaURL, parsed); err != nil {
		return nil, &CompileError{Err: err}
	}
	compiled, err := c.Compile(schemaURL)
	if refuse.url != "" {
		return nil, &CompileError{Err: fmt.Errorf("%s: %w", refuse.url, ErrExternalRef)}
	}
	if err != nil {
		return nil, &CompileError{Err: err}
	}
	return &Schema{doc: parsed, compiled: compiled}, nil
}

// refuseLoader loads no document (the schema is all there is) and
// remembers the first it was asked for.
type refuseLoader struct {
	url string
}

func (l *refuseLoader) Load(url string) (any, error) {
	if l.url == "" {
		l.url = url
	}
	return nil, fmt.Errorf("%s: %w", url, ErrExternalRef)
}

// Validate checks values against the schema and returns every violation
// at its deepest location, sorted by location; none means valid.
// Values hold what YAML and JSON decoding produce (maps of string keys,
// lists, strings, numbers, booleans, nil).
func (s *Schema) Validate(values map[string]any) (vs []Violation) {
	defer func() {
		if r := recover(); r != nil {
			vs = []Violation{{Message: fmt.Sprintf("the schema could not be applied: %v", r)}}
		}
	}()
	err := s.compiled.Validate(values)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Message: err.Error()}}
	}
	p := message.NewPrinter(language.English)
	var walk func(e *jsonschema.ValidationError, parent []string)
	walk = func(e *jsonschema.ValidationError, parent []string) {
		if k, names := e.ErrorKind.(*kind.PropertyNames); names {
			// The validator keeps no copy of a propertyNames error's
			// location (later siblings overwrite it), so it is found
			// again from the last trustworthy location above it. Its
			// causes are not walked: they would place the key's own
			// failure at the top of the values.
			vs = append(vs, Violation{Path: objectWithKey(values, parent, len(e.InstanceLocation), k.Property), Message: describe(e.ErrorKind, p)})
			return
		}
		if len(e.Causes) == 0 {
			vs = append(vs, Violation{Path: slices.Clone(e.InstanceLocation), Message: describe(e.ErrorKind, p)})
			return
		}
		for _, c := range e.Causes {
			walk(c, e.InstanceLocation)
		}
	}
	walk(ve, nil)
	// The validator visits an object's keys in map order; sorting makes
	// a report say the same thing on every run.
	slices.SortStableFunc(vs, func(a, b Violation) int { return strings.Compare(a.String(), b.String()) })
	return vs
}

// objectWithKey finds the object at depth levels below values that holds
// key, searching only under prefix; the first in key order wins, and
// prefix itself is returned when none is found.
func objectWithKey(values map[string]any, prefix []string, depth int, key string) []string {
	var at any = values
	for _, tok := range prefix {
		at = child(at, tok)
	}
	var find func(v any, path []string) []string
	find = func(v any, path []string) []string {
		if len(path) == depth {
			if m, ok := v.(map[string]any); ok {
				if _, ok := m[key]; ok {
					return path
				}
			}
			return nil
		}
		switch v := v.(type) {
		case map[string]any:
			keys := slices.Sorted(maps.Keys(v))
			for _, k := range keys {
				if p := find(v[k], append(slices.Clone(path), k)); p != nil {
					return p
				}
			}
		case []any:
			for i, e := range v {
				if p := find(e, append(slices.Clone(path), strconv.Itoa(i))); p != nil {
					return p
				}
			}
		}
		return nil
	}
	if len(prefix) <= depth {
		if p := find(at, slices.Clone(prefix)); p != nil {
			return p
		}
	}
	return slices.Clone(prefix)
}

// child returns the value under one location token, or nil.
func child(v any, tok string) any {
	switch v := v.(type) {
	case map[string]any:
		return v[tok]
	case []any:
		if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(v) {
			return v[i]
		}
	}
	return nil
}
