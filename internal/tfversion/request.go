package tfversion

import (
	"fmt"
	"strings"
)

// Origin says which rule chose a stack's version.
type Origin int

// The rules, in the order they are tried.
const (
	// FromConfig is the tier's terraform.version in tierdeploy.yaml.
	FromConfig Origin = iota + 1
	// FromVersionFile is a .opentofu-version or .terraform-version file.
	FromVersionFile
	// FromToolVersions is an entry of a .tool-versions file.
	FromToolVersions
	// FromRequiredVersion is the root module's required_version.
	FromRequiredVersion
	// FromPath means no version is asked for: the binary on PATH is used.
	FromPath
	// FromBinarySetting means terraform.binary names the file to run.
	FromBinarySetting
)

// String names the rule.
func (o Origin) String() string {
	switch o {
	case FromConfig:
		return "terraform.version"
	case FromVersionFile:
		return "version file"
	case FromToolVersions:
		return ".tool-versions"
	case FromRequiredVersion:
		return "required_version"
	case FromPath:
		return "PATH"
	case FromBinarySetting:
		return "terraform.binary"
	}
	return fmt.Sprintf("origin(%d)", int(o))
}

// Source is where a choice was read.
type Source struct {
	Origin Origin
	// File is the file it was read from, relative to the repository root
	// (slash-separated); empty for FromPath.
	File string
	// Line is the 1-based line in File; 0 when unknown.
	Line int
}

// String names the place for people, such as
// "terraform/prod/versions.tf:3 (required_version)".
func (s Source) String() string {
	at := s.File
	if s.Line > 0 {
		at = fmt.Sprintf("%s:%d", s.File, s.Line)
	}
	switch s.Origin {
	case FromPath:
		return "no version set, the binary on PATH"
	case FromConfig, FromRequiredVersion, FromBinarySetting:
		return fmt.Sprintf("%s (%s)", at, s.Origin)
	}
	return at
}

// Request is what one stack asks for: a product, a version or constraint
// (none for FromPath and FromBinarySetting) and where that came from.
type Request struct {
	Product Product
	// Want is the version asked for; zero when the binary on PATH or the
	// configured file is used as found.
	Want Want
	// Binary is the file terraform.binary names (FromBinarySetting only).
	Binary string
	// Source is where the choice was read; for several required_version
	// constraints, the first.
	Source Source
	// Also lists the other required_version constraints' places.
	Also []Source
}

// Sources returns Source followed by Also.
func (r Request) Sources() []Source {
	return append([]Source{r.Source}, r.Also...)
}

// Where names every place the request was read from, such as
// "terraform/prod/versions.tf:3 (required_version)".
func (r Request) Where() string {
	parts := make([]string, 0, 1+len(r.Also))
	for _, s := range r.Sources() {
		parts = append(parts, s.String())
	}
	return strings.Join(parts, ", ")
}

// String describes the request, such as
// "OpenTofu ~> 1.10.0 from terraform/prod/versions.tf:3 (required_version)".
func (r Request) String() string {
	switch {
	case r.Source.Origin == FromBinarySetting:
		return fmt.Sprintf("%s at %s from %s", r.Product.Name(), r.Binary, r.Where())
	case r.Want.IsZero():
		return fmt.Sprintf("%s on PATH (no version set)", r.Product.Name())
	}
	return fmt.Sprintf("%s %s from %s", r.Product.Name(), r.Want.Raw, r.Where())
}
