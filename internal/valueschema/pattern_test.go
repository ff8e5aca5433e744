package valueschema

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPatternStrings(t *testing.T) {
	tests := map[string]struct {
		pattern string
		// best is the string expected first.
		best string
	}{
		"image repository": {`^[^:@\s]+(:[0-9]+/[^:@\s]+)?$`, "known-after-apply"},
		"role ARN":         {`^(arn:aws[a-z-]*:iam::[0-9]{12}:role/.+)?$`, "arn:aws:iam::000000000000:role/known-after-apply"},
		"EFS volume":       {`^(fs-[0-9a-f]+(:[^:]*)?(::fsap-[0-9a-f]+)?)?$`, "fs-a:known-after-apply"},
		"identifier":       {`^[A-Za-z_][A-Za-z0-9_$-]*$`, "aknown-after-apply"},
		"digest":           {`^sha256:[a-f0-9]{64}$`, "sha256:" + strings.Repeat("a", 64)},
		"case folded":      {`(?i)^secret-[a-z]+$`, "secret-knownafterapply"},
		"alternation":      {`^(small|medium|large)$`, "small"},
		"unanchored":       {`[0-9]`, "0"},
		"bounded run":      {`^[a-z]{2,4}$`, "know"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := patternStrings(tt.pattern, markers[1:])
			require.NotEmpty(t, got)
			assert.Equal(t, tt.best, got[0])
			re := regexp.MustCompile(tt.pattern)
			for _, s := range got {
				assert.True(t, re.MatchString(s), "%q does not match", s)
			}
		})
	}
}

func TestPatternStringsBounded(t *testing.T) {
	for _, pattern := range []string{
		`^(a{1000}){1000}$`,     // a million runes: none fit
		`^((((a|b|c|d)*)*)*)*$`, // nested repetition
		`^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$`,
		strings.Repeat(`(a|b)`, 200), // a wide product
		`(?!lookahead)`,              // not Go syntax
		`^[^\x00-\x{10FFFF}]$`,       // matches nothing
	} {
		start := time.Now()
		got := patternStrings(pattern, markers[1:])
		assert.Less(t, time.Since(start), time.Second, pattern)
		assert.LessOrEqual(t, len(got), maxStrings, pattern)
		for _, s := range got {
			assert.LessOrEqual(t, len([]rune(s)), maxPatLen, pattern)
		}
	}
}
