package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A URL shown in a message keeps none of its credentials: a token given as
// the user name, a password, a token in the query, or the whole text when it
// does not parse (url.Parse's error quotes it).
func TestURLCredentialsInEveryPartAreHidden(t *testing.T) {
	const token = "glpat-PLANTEDTOKEN"
	for raw, want := range map[string]string{
		"https://" + token + "@mirror.example/releases":         "https://xxxxx@mirror.example/releases",
		"https://deploy:" + token + "@mirror.example/releases":  "https://xxxxx@mirror.example/releases",
		"https://mirror.example/releases?token=" + token:        "https://mirror.example/releases?…",
		"https://mirror.example/releases":                       "https://mirror.example/releases",
		"https://" + token + "@mirror.example/%zz":              "(a URL that does not parse)",
		"http://[" + token:                                      "(a URL that does not parse)",
		"oci://" + token + ":x@registry.example/charts/meltano": "oci://xxxxx@registry.example/charts/meltano",
	} {
		got := URL(raw)
		assert.Equal(t, want, got, raw)
		assert.NotContains(t, got, token, raw)
	}
}
