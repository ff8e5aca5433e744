package tfinstall

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/go-version"

	"github.com/tierdeploy/tierdeploy/internal/redact"
	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// Channel is where one product's releases are listed and downloaded.
type Channel struct {
	// Listing is the URL of the version listing: HashiCorp's index.json for
	// Terraform, the api.json of OpenTofu's release page for OpenTofu.
	Listing string
	// Files is the base URL of the release files: file F of version V is at
	// Files/<release directory of V>/F (see ReleaseDir).
	Files string
}

// Official returns the products' own release channels.
func Official() map[tfversion.Product]Channel {
	return map[tfversion.Product]Channel{
		tfversion.Terraform: {
			Listing: "https://releases.hashicorp.com/terraform/index.json",
			Files:   "https://releases.hashicorp.com/terraform",
		},
		tfversion.OpenTofu: {
			Listing: "https://get.opentofu.org/tofu/api.json",
			Files:   "https://github.com/opentofu/opentofu/releases/download",
		},
	}
}

// MirrorChannels returns the channels of a mirror at base, which serves
// both products in the official layout:
//
//	<base>/terraform/index.json
//	<base>/terraform/<version>/terraform_<version>_SHA256SUMS (and .sig, and the zip archives)
//	<base>/tofu/api.json
//	<base>/tofu/v<version>/tofu_<version>_SHA256SUMS (and .gpgsig, and the zip archives)
//
// A copy of HashiCorp's terraform directory and of OpenTofu's release assets
// (one directory per release tag) is such a mirror.
func MirrorChannels(base string) map[tfversion.Product]Channel {
	base = strings.TrimRight(base, "/")
	return map[tfversion.Product]Channel{
		tfversion.Terraform: {Listing: base + "/terraform/index.json", Files: base + "/terraform"},
		tfversion.OpenTofu:  {Listing: base + "/tofu/api.json", Files: base + "/tofu"},
	}
}

// ParseMirror checks a mirror base URL: absolute http or https, with a host,
// no query and no fragment. Credentials in it are allowed (never shown:
// every URL in a message goes through redact.URL).
func ParseMirror(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("mirror URL is not a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("mirror URL %s must start with https:// (or http://)", redact.URL(s))
	case u.Host == "":
		return nil, fmt.Errorf("mirror URL %s has no host", redact.URL(s))
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, fmt.Errorf("mirror URL %s must be a base URL without ? or #", redact.URL(s))
	}
	return u, nil
}

// ReleaseDir is the directory of version v's files under Channel.Files:
// the version for Terraform, "v" and the version (the release tag) for
// OpenTofu.
func ReleaseDir(p tfversion.Product, v *version.Version) string {
	if p == tfversion.OpenTofu {
		return "v" + v.String()
	}
	return v.String()
}

// Platform is an operating system and architecture, as in release file
// names ("linux_amd64").
type Platform struct {
	OS   string
	Arch string
}

// String returns "os_arch".
func (p Platform) String() string { return p.OS + "_" + p.Arch }

// Supported reports whether releases are installed for p: linux and darwin
// on amd64 and arm64.
func (p Platform) Supported() bool {
	return (p.OS == "linux" || p.OS == "darwin") && (p.Arch == "amd64" || p.Arch == "arm64")
}

// Files names the files of one release on one platform.
type Files struct {
	// Archive is the zip archive holding the binary.
	Archive string
	// Sums is the checksum file, and Signature its detached OpenPGP
	// signature.
	Sums      string
	Signature string
}

// ReleaseFiles returns the file names of version v of p on platform pl.
func ReleaseFiles(p tfversion.Product, v *version.Version, pl Platform) Files {
	prefix := fmt.Sprintf("%s_%s_", p.Binary(), v.String())
	sig := ".sig"
	if p == tfversion.OpenTofu {
		sig = ".gpgsig"
	}
	return Files{
		Archive:   prefix + pl.String() + ".zip",
		Sums:      prefix + "SHA256SUMS",
		Signature: prefix + "SHA256SUMS" + sig,
	}
}

// fileURL returns the URL of file name of version v in channel c.
func fileURL(c Channel, p tfversion.Product, v *version.Version, name string) string {
	return strings.TrimRight(c.Files, "/") + "/" + url.PathEscape(ReleaseDir(p, v)) + "/" + url.PathEscape(name)
}
