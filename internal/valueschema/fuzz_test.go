package valueschema

import (
	"regexp"
	"testing"
)

// FuzzPatternStrings: patterns come from charts, which are outside input.
// Whatever the pattern, generation ends quickly and returns only strings
// that match it.
func FuzzPatternStrings(f *testing.F) {
	for _, p := range []string{`^[a-z]+$`, `^(arn:aws[a-z-]*:iam::[0-9]{12}:role/.+)?$`, `(a{999}){999}`, `[^\x00-\x{10FFFF}]`, `(?i)x|y`, `\b\B^$`} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		out := patternStrings(pattern, markers[1:])
		if len(out) == 0 {
			return
		}
		re := regexp.MustCompile(pattern)
		for _, s := range out {
			if !re.MatchString(s) {
				t.Fatalf("%q does not match %q", s, pattern)
			}
		}
	})
}

// FuzzCandidates: a chart's schema is outside input too.
func FuzzCandidates(f *testing.F) {
	f.Add([]byte(testSchema), "database.port")
	f.Add([]byte(`{"$ref": "#"}`), "a.b")
	f.Add([]byte(`{"properties": {"a": {"allOf": [{"$ref": "#/properties/a"}]}}}`), "a")
	f.Fuzz(func(t *testing.T, doc []byte, path string) {
		s, err := Compile(doc)
		if err != nil {
			return
		}
		keys := regexp.MustCompile(`\.`).Split(path, 8)
		for _, c := range s.Candidates(keys) {
			_ = s.Validate(map[string]any{"x": c})
		}
	})
}
