package valueschema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A value that breaks the chart's schema may be a secret (an inventory
// password mapped into the chart, a secret set variable, a PIN): the
// violation says which rule it breaks and where, never the value, so that
// the error is safe in a report or a log before any masking, and a short
// or numeric secret that a masker leaves alone is not shown either.
func TestViolationsDoNotQuoteTheValue(t *testing.T) {
	s, err := Compile([]byte(`{"properties": {
		"pattern": {"type": "string", "pattern": "^x+$"},
		"email": {"type": "string", "format": "email"},
		"ipv4": {"type": "string", "format": "ipv4"},
		"host": {"type": "string", "format": "hostname"},
		"uri": {"type": "string", "format": "uri"},
		"b64": {"type": "string", "contentEncoding": "base64"},
		"min": {"type": "integer", "minimum": 100000},
		"max": {"type": "integer", "maximum": 10},
		"xmin": {"type": "integer", "exclusiveMinimum": 100000},
		"xmax": {"type": "integer", "exclusiveMaximum": 10},
		"mul": {"type": "integer", "multipleOf": 1000},
		"enum": {"enum": ["a", "b"]},
		"const": {"const": "k"},
		"names": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}
	}}`))
	require.NoError(t, err)
	const secret = "hunter2 SECRET%"
	vs := s.Validate(map[string]any{
		"pattern": secret, "email": secret, "ipv4": secret, "host": secret, "uri": secret, "b64": secret,
		"min": 4711, "max": 4711, "xmin": 4711, "xmax": 4711, "mul": 4711,
		"enum": secret, "const": secret, "names": map[string]any{secret: 1},
	})
	require.GreaterOrEqual(t, len(vs), 9, "%v", vs)
	for _, v := range vs {
		msg := v.String()
		assert.NotContains(t, msg, "hunter2", msg)
		assert.NotContains(t, msg, "4711", msg)
		assert.NotContains(t, msg, "4,711", msg)
		assert.False(t, strings.HasSuffix(msg, ": "), msg)
	}
	// The rules stay readable.
	all := ""
	for _, v := range vs {
		all += v.String() + "\n"
	}
	assert.Contains(t, all, "/pattern: does not match pattern '^x+$'")
	assert.Contains(t, all, "/min: is less than the minimum 100000")
	assert.Contains(t, all, "/mul: is not a multiple of 1000")
	assert.Contains(t, all, "/names: has a key that breaks propertyNames")
}
