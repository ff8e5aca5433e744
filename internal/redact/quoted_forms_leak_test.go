package redact

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An attacker who can make a secret appear in a log line or a YAML document
// gets it in clear when the masker knows only the raw and JSON forms: slog's
// text handler Go-quotes a value with quotes, backslashes or control
// characters, and YAML doubles single quotes. Every such form must be masked.
func TestQuotedFormsOfASecretAreMasked(t *testing.T) {
	const secret = "Xq7'Zr\"9\\k\x01w-é"
	m := New(secret)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("connecting", "password", secret)
	forms := map[string]string{
		"slog text handler":  logged.String(),
		"Go %q":              "value = " + strconv.Quote(secret) + "\n",
		"YAML single-quoted": "data:\n  PASSWORD: '" + strings.ReplaceAll(secret, "'", "''") + "'\n",
	}
	for name, text := range forms {
		t.Run(name, func(t *testing.T) {
			require := assert.New(t)
			require.True(strings.Contains(text, "Xq7"), "the form holds the secret: %q", text)
			got := m.String(text)
			require.NotContains(got, "Xq7", "the secret leaked: %q", got)
			require.Contains(got, Mask)
		})
	}
}
