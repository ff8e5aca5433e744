package redact

import (
	"encoding/base64"
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

func TestSealer(t *testing.T) {
	keyed, err := NewDigester([]byte(strings.Repeat("k", MinKeyLen)))
	require.NoError(t, err)
	seal := keyed.Sealer(`pa"ss<1>`, "abc", "4821")
	line := `resource x.y .password = "pa\"ss\u003c1\u003e" .pin = 4821 .short = "abc" .b64 = "` +
		base64.StdEncoding.EncodeToString([]byte(`pa"ss<1>`)) + `"`
	got := seal(line)
	assert.NotContains(t, got, `ss\u003c`)
	assert.NotContains(t, got, `"pa`)
	assert.NotContains(t, got, "4821")
	assert.Contains(t, got, `"abc"`, "too short to mask, as in a Masker")
	assert.Equal(t, 2, strings.Count(got, keyed.Token(`pa"ss<1>`)))
	assert.Contains(t, got, keyed.Token("4821"))

	var none *Digester
	assert.Equal(t, `"(sensitive)" 4821x`, none.Sealer(`secret-1`)(`"secret-1" 4821x`))
	assert.Equal(t, "same", none.Sealer()("same"))
}
