package redact

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDigester(t *testing.T) {
	unkeyed, err := NewDigester(nil)
	require.NoError(t, err)
	assert.False(t, unkeyed.Keyed())
	assert.Equal(t, unkeyed.Token("1234"), unkeyed.Token("9999"), "without a key every secret looks the same")
	assert.Equal(t, "(sensitive)", (*Digester)(nil).Token("x"))

	key := []byte(strings.Repeat("k", MinKeyLen))
	keyed, err := NewDigester(key)
	require.NoError(t, err)
	assert.True(t, keyed.Keyed())
	assert.NotEqual(t, keyed.Token("1234"), keyed.Token("1235"))
	assert.Equal(t, keyed.Token("1234"), keyed.Token("1234"))
	assert.Regexp(t, `^\(sensitive hmac:[0-9a-f]{32}\)$`, keyed.Token("1234"))
	key[0] = 'x' // the Digester keeps its own copy
	again, _ := NewDigester([]byte(strings.Repeat("k", MinKeyLen)))
	assert.Equal(t, again.Token("1234"), keyed.Token("1234"))
	other, _ := NewDigester([]byte(strings.Repeat("o", MinKeyLen)))
	assert.NotEqual(t, other.Token("1234"), keyed.Token("1234"))

	_, err = NewDigester([]byte("short"))
	var ke *KeyError
	require.True(t, errors.As(err, &ke))
	assert.Equal(t, 5, ke.Len)
	assert.Contains(t, err.Error(), "at least 16")
}
