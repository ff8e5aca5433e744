package valueschema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A string that breaks minLength or maxLength may be a secret; the
// validator's own wording gives its length ("got 4, want 6"), which tells
// how many digits a PIN has. The violation names the bound only.
func TestViolationsDoNotTellTheSecretsLength(t *testing.T) {
	s, err := Compile([]byte(`{"properties": {
		"pin": {"type": "string", "minLength": 6},
		"token": {"type": "string", "maxLength": 3}
	}}`))
	require.NoError(t, err)
	vs := s.Validate(map[string]any{"pin": "4711", "token": "hunter2x"})
	require.Len(t, vs, 2, "%v", vs)
	all := vs[0].String() + "\n" + vs[1].String()
	assert.NotContains(t, all, "got")
	assert.NotContains(t, all, "4")
	assert.NotContains(t, all, "8")
	assert.Contains(t, all, "/pin: is shorter than the minimum length 6")
	assert.Contains(t, all, "/token: is longer than the maximum length 3")
}
