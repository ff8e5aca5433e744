package event

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOversizedPayloadRefused checks that an event payload larger than any
// GitHub sends is refused as bad input before it is decoded.
func TestOversizedPayloadRefused(t *testing.T) {
	p := writePayload(t, `{"action":"opened","pad":"`+strings.Repeat("x", MaxPayloadSize)+`"}`)
	_, err := FromEnv(t.Context(), GitHub, envOf(githubEnvFor("pull_request", p)), os.ReadFile)
	require.ErrorIs(t, err, ErrInput)
	assert.Contains(t, err.Error(), "over the limit of 33554432 bytes")
}

// TestOversizedPayloadNotReadWhole checks that a payload file of a
// gigabyte (sparse, so the test writes nothing) is refused after reading
// one byte past the limit, not after holding the whole file in memory.
func TestOversizedPayloadNotReadWhole(t *testing.T) {
	p := writePayload(t, `{"action":"opened"}`)
	require.NoError(t, os.Truncate(p, 1<<30))
	b, err := ReadPayload(p)
	require.NoError(t, err)
	assert.Len(t, b, MaxPayloadSize+1)
	_, err = FromEnv(t.Context(), GitHub, envOf(githubEnvFor("pull_request", p)), ReadPayload)
	require.ErrorIs(t, err, ErrInput)
	assert.Contains(t, err.Error(), "over the limit of 33554432 bytes")
}
