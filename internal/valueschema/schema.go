package valueschema

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
	// Message says what is wrong, as the validator words it.
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
// at its deepest location, in the validator's order; none means valid.
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
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			vs = append(vs, Violation{Path: slices.Clone(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(p)})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return vs
}
