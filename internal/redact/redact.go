package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Mask is the text that replaces a secret.
const Mask = "***"

// MinLen is the length in bytes below which a value is not masked; see the
// package documentation. Masking never makes a text longer, since Mask is
// shorter than MinLen.
const MinLen = 4

// Masker replaces secret values in text with Mask. The zero value and a nil
// *Masker mask nothing. A Masker is safe for concurrent use.
type Masker struct {
	m *matcher
	// maxLen is the length of the longest pattern; maxLines is the largest
	// number of newlines in one.
	maxLen, maxLines int
	tooShort         int
}

// New returns a Masker for the given secret values. Empty values are
// ignored; values shorter than MinLen are counted by TooShort and not
// masked. Each value is also masked in its common encodings (see the package
// documentation). Where two secrets overlap in a text, the whole of both is
// masked.
func New(secrets ...string) *Masker {
	m := &Masker{}
	seen := map[string]bool{}
	var patterns []string
	add := func(p string) {
		if len(p) >= MinLen && !seen[p] {
			seen[p] = true
			patterns = append(patterns, p)
		}
	}
	short := map[string]bool{}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if len(s) < MinLen {
			short[s] = true
			continue
		}
		for _, v := range variants(s) {
			add(v)
		}
	}
	m.tooShort = len(short)
	if len(patterns) == 0 {
		return m
	}
	// Longest first: the matcher reports the longest match ending at each
	// byte anyway, but a stable order keeps the automaton deterministic.
	sort.Slice(patterns, func(i, j int) bool {
		if len(patterns[i]) != len(patterns[j]) {
			return len(patterns[i]) > len(patterns[j])
		}
		return patterns[i] < patterns[j]
	})
	m.maxLen = len(patterns[0])
	for _, p := range patterns {
		m.maxLines = max(m.maxLines, strings.Count(p, "\n"))
	}
	m.m = newMatcher(patterns)
	return m
}

// variants returns s and the forms in which it commonly appears in tool
// output.
func variants(s string) []string {
	vs := []string{
		s,
		jsonEscaped(s, true),
		jsonEscaped(s, false),
		base64.StdEncoding.EncodeToString([]byte(s)),
		base64.URLEncoding.EncodeToString([]byte(s)),
		base64.RawStdEncoding.EncodeToString([]byte(s)),
		base64.RawURLEncoding.EncodeToString([]byte(s)),
		goQuoted(s),
		strings.ReplaceAll(s, "'", "''"),
	}
	if strings.Contains(s, "\n") {
		for _, line := range strings.Split(s, "\n") {
			vs = append(vs, strings.TrimSpace(line))
		}
	}
	return vs
}

// jsonEscaped returns s as it appears between the quotes of a JSON string,
// with or without HTML escaping (Go's encoder escapes <, > and & by
// default; other encoders do not).
func jsonEscaped(s string, html bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		return s
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return string(out[1 : len(out)-1])
}

// goQuoted returns s as it appears between the quotes of a Go-quoted string
// (strconv.Quote): how log/slog's text handler and fmt's %q print a value
// with quotes, backslashes or control characters.
func goQuoted(s string) string {
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}

// String returns s with every secret replaced by Mask. It returns s itself
// when there is nothing to mask.
func (m *Masker) String(s string) string {
	if m == nil || m.m == nil {
		return s
	}
	spans := m.m.spans(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(Mask)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// Empty reports whether the Masker masks nothing.
func (m *Masker) Empty() bool { return m == nil || m.m == nil }

// Contains reports whether s holds a secret that String would mask.
func (m *Masker) Contains(s string) bool {
	return m != nil && m.m != nil && len(m.m.spans(s)) > 0
}

// TooShort returns how many distinct non-empty secrets New was given that
// are shorter than MinLen and therefore not masked. It returns a count, not
// the values, so that a warning about them cannot leak them.
func (m *Masker) TooShort() int {
	if m == nil {
		return 0
	}
	return m.tooShort
}
