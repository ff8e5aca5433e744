package tfversion

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
)

// maxWant bounds the length of a version or constraint as written.
const maxWant = 256

// Latest asks for the newest stable release.
const Latest = "latest"

var (
	exactRE   = regexp.MustCompile(`^=?\s*v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$`)
	partialRE = regexp.MustCompile(`^=?\s*v?(\d+(?:\.\d+)?)$`)
)

// Want is a version as asked for: one release, or a constraint that any
// number of releases may satisfy. The zero Want asks for nothing.
type Want struct {
	// Raw is the version or constraint as written (trimmed); constraints
	// from several places are joined with ", ".
	Raw string
	// Exact is the release asked for when Raw names exactly one.
	Exact *version.Version
	// Constraints hold for the releases Raw allows (for an exact version,
	// that release only). Pre-releases satisfy a constraint only when it
	// names a pre-release.
	Constraints version.Constraints
}

// ParseWant parses a version or a version constraint as written in
// tierdeploy.yaml, a version file or required_version: an exact release
// ("1.10.7", "v1.10.7", "= 1.10.7", "1.11.0-rc1"), a constraint in
// Terraform's syntax ("~> 1.10.0", ">= 1.8, < 1.11") or "latest" (the newest
// stable release). A bare "1.10" is refused: it is not clear whether it means
// 1.10.0 or the newest 1.10.x.
func ParseWant(s string) (Want, error) {
	raw := strings.TrimSpace(s)
	switch {
	case raw == "":
		return Want{}, errors.New("is empty: write a version such as 1.10.7 or a constraint such as ~> 1.10.0")
	case len(raw) > maxWant:
		return Want{}, fmt.Errorf("is %d characters long: a version or constraint is at most %d", len(raw), maxWant)
	case raw == Latest:
		return Want{Raw: raw, Constraints: version.MustConstraints(version.NewConstraint(">= 0.0.0"))}, nil
	}
	if m := exactRE.FindStringSubmatch(raw); m != nil {
		v, err := version.NewSemver(m[1])
		if err != nil {
			return Want{}, fmt.Errorf("%s is not a version: %w", Quote(raw), err)
		}
		c, err := version.NewConstraint("= " + v.String())
		if err != nil {
			return Want{}, fmt.Errorf("%s is not a version: %w", Quote(raw), err)
		}
		return Want{Raw: raw, Exact: v, Constraints: c}, nil
	}
	if m := partialRE.FindStringSubmatch(raw); m != nil {
		return Want{}, fmt.Errorf("%s names no single release: write %s.0 for that release, or ~> %s.0 for the newest of the series", Quote(raw), m[1], m[1])
	}
	c, err := version.NewConstraint(raw)
	if err != nil {
		return Want{}, fmt.Errorf("%s is not a version or a version constraint (such as 1.10.7 or ~> 1.10.0)", Quote(raw))
	}
	return Want{Raw: raw, Constraints: c}, nil
}

// IsZero reports whether w asks for nothing.
func (w Want) IsZero() bool { return w.Raw == "" }

// Allows reports whether release v satisfies w. As in Terraform, a
// pre-release satisfies only a constraint that names a pre-release: "!=
// 1.11.0" does not select 1.11.0-rc1.
func (w Want) Allows(v *version.Version) bool {
	if w.IsZero() {
		return false
	}
	if v.Prerelease() != "" && !slices.ContainsFunc(w.Constraints, (*version.Constraint).Prerelease) {
		return false
	}
	return w.Constraints.Check(v)
}

// String returns Raw.
func (w Want) String() string { return w.Raw }

// join returns the Want that every one of ws allows.
func join(ws []Want) Want {
	if len(ws) == 1 {
		return ws[0]
	}
	out := Want{}
	raws := make([]string, 0, len(ws))
	for _, w := range ws {
		raws = append(raws, w.Raw)
		out.Constraints = append(out.Constraints, w.Constraints...)
	}
	out.Raw = strings.Join(raws, ", ")
	return out
}

// Quote quotes s for an error message: escaped, and cut after 60
// characters, so that what a repository file holds never spills into logs
// in full or as more than one line.
func Quote(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return fmt.Sprintf("%q…", string(r[:max]))
	}
	return fmt.Sprintf("%q", s)
}
