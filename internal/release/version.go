package release

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is a release version, MAJOR.MINOR.PATCH. Release tags are the
// version with a "v" in front (v1.2.3); GitLab's CI/CD Catalog and the image
// tags use it without (1.2.3).
type Version struct {
	Major, Minor, Patch int
}

// versionRe is MAJOR.MINOR.PATCH without leading zeros, as semantic
// versioning has it; pre-releases are not release versions. Nine digits at
// most keep every part an int.
var versionRe = regexp.MustCompile(`^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$`)

// ParseVersion parses "1.2.3".
func ParseVersion(s string) (Version, error) {
	m := versionRe.FindStringSubmatch(s)
	if m == nil {
		return Version{}, &InputError{What: "the version", Value: s, Reason: "expected MAJOR.MINOR.PATCH, such as 1.2.3"}
	}
	var v Version
	for i, p := range []*int{&v.Major, &v.Minor, &v.Patch} {
		*p, _ = strconv.Atoi(m[i+1]) // the pattern allows nine digits at most
	}
	return v, nil
}

// ParseTag parses a release tag, "v1.2.3".
func ParseTag(tag string) (Version, error) {
	rest, ok := strings.CutPrefix(tag, "v")
	if !ok {
		return Version{}, &InputError{What: "the release tag", Value: tag, Reason: "release tags are v and the version, such as v1.2.3"}
	}
	v, err := ParseVersion(rest)
	if err != nil {
		return Version{}, &InputError{What: "the release tag", Value: tag, Reason: "release tags are v and MAJOR.MINOR.PATCH, such as v1.2.3"}
	}
	return v, nil
}

// String returns "1.2.3".
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Tag returns the release tag, "v1.2.3".
func (v Version) Tag() string { return "v" + v.String() }

// Compare orders versions: negative when v is older than w, 0 when equal.
func (v Version) Compare(w Version) int {
	return cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor), cmp.Compare(v.Patch, w.Patch))
}

// ReleaseVersions returns the versions of the release tags among tags,
// skipping every other tag (floating tags such as v1, the catalog's 1.2.3
// tags, anything else).
func ReleaseVersions(tags []string) []Version {
	var out []Version
	for _, t := range tags {
		if v, err := ParseTag(strings.TrimSpace(t)); err == nil {
			out = append(out, v)
		}
	}
	return out
}
