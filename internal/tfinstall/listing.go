package tfinstall

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// maxReleases bounds the number of releases a listing may hold.
const maxReleases = 100000

// Release is one published version.
type Release struct {
	Version *version.Version
	// Platforms holds the "os_arch" pairs that have a zip archive; nil when
	// the listing does not say (then every platform is assumed).
	Platforms map[string]bool
}

// Has reports whether the release has an archive for pl.
func (r Release) Has(pl Platform) bool {
	return r.Platforms == nil || r.Platforms[pl.String()]
}

// ParseListing parses the version listing of product p: HashiCorp's
// index.json for Terraform, OpenTofu's api.json for OpenTofu. Entries whose
// version does not parse are left out; a listing with no release is an
// error. Releases are returned newest first.
func ParseListing(p tfversion.Product, data []byte) ([]Release, error) {
	var (
		out []Release
		err error
	)
	if p == tfversion.OpenTofu {
		out, err = parseOpenTofu(data)
	} else {
		out, err = parseHashiCorp(data)
	}
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("lists no release")
	}
	if len(out) > maxReleases {
		return nil, errors.New("lists too many releases")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version.GreaterThan(out[j].Version) })
	return out, nil
}

// parseHashiCorp reads {"name": "terraform", "versions": {"1.5.7": {"builds":
// [{"os": "linux", "arch": "amd64", "filename": "..._linux_amd64.zip"}]}}}.
func parseHashiCorp(data []byte) ([]Release, error) {
	var doc struct {
		Versions map[string]struct {
			Version string `json:"version"`
			Builds  []struct {
				OS       string `json:"os"`
				Arch     string `json:"arch"`
				Filename string `json:"filename"`
			} `json:"builds"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, errors.New("is not the JSON of a release index")
	}
	var out []Release
	for key, entry := range doc.Versions {
		v, err := version.NewSemver(key)
		if err != nil || v.String() != key || (entry.Version != "" && entry.Version != key) {
			continue
		}
		r := Release{Version: v}
		if entry.Builds != nil {
			r.Platforms = map[string]bool{}
			for _, b := range entry.Builds {
				if strings.HasSuffix(b.Filename, ".zip") {
					r.Platforms[b.OS+"_"+b.Arch] = true
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// parseOpenTofu reads {"versions": [{"id": "1.10.7", "files":
// ["tofu_1.10.7_linux_amd64.zip", ...]}]}.
func parseOpenTofu(data []byte) ([]Release, error) {
	var doc struct {
		Versions []struct {
			ID    string   `json:"id"`
			Files []string `json:"files"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, errors.New("is not the JSON of a release index")
	}
	seen := map[string]bool{}
	var out []Release
	for _, entry := range doc.Versions {
		v, err := version.NewSemver(entry.ID)
		if err != nil || v.String() != entry.ID || seen[entry.ID] {
			continue
		}
		seen[entry.ID] = true
		r := Release{Version: v}
		if entry.Files != nil {
			r.Platforms = map[string]bool{}
			prefix := "tofu_" + entry.ID + "_"
			for _, f := range entry.Files {
				if pl, ok := strings.CutPrefix(f, prefix); ok {
					if pl, ok = strings.CutSuffix(pl, ".zip"); ok && strings.Count(pl, "_") == 1 {
						r.Platforms[pl] = true
					}
				}
			}
		}
		out = append(out, r)
	}
	return out, nil
}
