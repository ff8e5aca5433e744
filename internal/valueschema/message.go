package valueschema

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/message"
)

// describe words one violation without the offending value. A value that
// breaks a chart's schema may be a secret (an inventory password mapped
// into the chart, a secret set variable, a numeric PIN too short for any
// masker), so the message names the rule it breaks and never quotes what
// was given, nor its length; where the validator's own wording would, it
// is replaced here. The kinds not listed never quote the value.
func describe(k jsonschema.ErrorKind, p *message.Printer) string {
	switch k := k.(type) {
	case *kind.Pattern:
		return "does not match pattern '" + k.Want + "'"
	case *kind.Format:
		return "is not a valid " + k.Want
	case *kind.Minimum:
		return "is less than the minimum " + bound(k.Want)
	case *kind.Maximum:
		return "is greater than the maximum " + bound(k.Want)
	case *kind.ExclusiveMinimum:
		return "is not greater than the exclusive minimum " + bound(k.Want)
	case *kind.ExclusiveMaximum:
		return "is not less than the exclusive maximum " + bound(k.Want)
	case *kind.MultipleOf:
		return "is not a multiple of " + bound(k.Want)
	case *kind.MinLength:
		return "is shorter than the minimum length " + strconv.Itoa(k.Want)
	case *kind.MaxLength:
		return "is longer than the maximum length " + strconv.Itoa(k.Want)
	case *kind.ContentEncoding:
		return "is not " + k.Want + " encoded"
	case *kind.ContentMediaType:
		return "is not of media type " + k.Want
	case *kind.PropertyNames:
		return "has a key that breaks propertyNames"
	case *kind.InvalidJsonValue:
		return "holds a value that is not JSON"
	}
	return k.LocalizedString(p)
}

// bound prints a schema bound as the schema writes it: an integer in
// full, without grouping, anything else as the shortest decimal.
func bound(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strings.TrimSuffix(strconv.FormatFloat(f, 'g', -1, 64), ".0")
}
