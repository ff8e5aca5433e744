package event

import "strings"

// validSHA reports whether s is a full SHA-1 or SHA-256 commit ID in
// lowercase hex, other than the all-zero one. Checking it keeps payload text
// out of git's arguments.
func validSHA(s string) bool {
	if (len(s) != 40 && len(s) != 64) || isZeroSHA(s) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isZeroSHA reports whether s is the all-zero ID that platforms use for "no
// commit" (the before of a new branch, the after of a deletion).
func isZeroSHA(s string) bool {
	return (len(s) == 40 || len(s) == 64) && strings.Trim(s, "0") == ""
}

// shortRef strips refs/heads/ or refs/tags/ from a full ref.
func shortRef(ref string) string {
	for _, p := range []string{"refs/heads/", "refs/tags/"} {
		if s, ok := strings.CutPrefix(ref, p); ok {
			return s
		}
	}
	return ref
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
