package release

import "fmt"

// Latest is the floating tag of the newest release of all.
const Latest = "latest"

// Aliases returns the floating tags that move to release v, given the
// versions released so far (v itself may be among them): "MAJOR.MINOR" when
// v is the newest of its minor line, "MAJOR" when it is the newest of its
// major line, and "latest" when it is the newest release of all. A backport
// (1.1.5 after 1.2.0) moves 1.1 only, so a floating tag never goes back.
// Releasing the same version again moves the same tags again.
func Aliases(v Version, released []Version) []string {
	newestMinor, newestMajor, newest := true, true, true
	for _, r := range released {
		if r.Compare(v) <= 0 {
			continue
		}
		newest = false
		if r.Major == v.Major {
			newestMajor = false
			if r.Minor == v.Minor {
				newestMinor = false
			}
		}
	}
	var out []string
	if newestMinor {
		out = append(out, fmt.Sprintf("%d.%d", v.Major, v.Minor))
	}
	if newestMajor {
		out = append(out, fmt.Sprintf("%d", v.Major))
	}
	if newest {
		out = append(out, Latest)
	}
	return out
}
