package report

import "unicode/utf8"

// Length returns the size of s as the comment limits count it: in
// characters, where a character outside the Basic Multilingual Plane (most
// emoji) counts twice, as it does in UTF-16. That is at least the number of
// code points, so a body within a budget by Length is within it however the
// platform counts characters.
func Length(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n++
		if r > 0xFFFF {
			n++
		}
		i += size
	}
	return n
}
