package tfinstall

import (
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// Location says where a stack's binary is, or comes from.
type Location int

// Locations.
const (
	// InCache is a verified release in the tool cache.
	InCache Location = iota + 1
	// Downloaded is a release downloaded and verified by this run.
	Downloaded
	// ToDownload is a release that Install would download (Select only).
	ToDownload
	// OnPath is the product's binary on PATH.
	OnPath
	// Configured is the file terraform.binary names.
	Configured
)

// String names the location for logs.
func (l Location) String() string {
	switch l {
	case InCache:
		return "cached"
	case Downloaded:
		return "downloaded and verified"
	case ToDownload:
		return "to download"
	case OnPath:
		return "on PATH"
	case Configured:
		return "terraform.binary"
	}
	return fmt.Sprintf("location(%d)", int(l))
}

// Binary is the Terraform or OpenTofu binary a stack runs, and why.
type Binary struct {
	Request tfversion.Request
	// Version is the release ("1.10.7"); empty when the binary on PATH did
	// not say.
	Version string
	// Path is the absolute path of the binary; empty for ToDownload.
	Path     string
	Location Location
	// Note explains a fallback, such as a cached release used because the
	// release listing could not be read; empty otherwise.
	Note string
}

// Summary describes the choice without saying where the binary was found,
// so that it reads the same on every run that makes the same choice (the
// report footer): "OpenTofu 1.10.7 (~> 1.10.0 from
// terraform/prod/versions.tf:3 (required_version))".
func (b Binary) Summary() string {
	name := b.Request.Product.Name()
	v := b.Version
	if v == "" {
		v = "(version unknown)"
	}
	switch {
	case b.Request.Source.Origin == tfversion.FromBinarySetting:
		return fmt.Sprintf("%s %s (%s)", name, v, b.Request.Source)
	case b.Request.Want.IsZero():
		return fmt.Sprintf("%s %s (%s)", name, v, b.Request.Source)
	case b.Request.Want.Exact != nil:
		return fmt.Sprintf("%s %s (from %s)", name, v, b.Request.Where())
	}
	return fmt.Sprintf("%s %s (%s from %s)", name, v, b.Request.Want.Raw, b.Request.Where())
}

// String is Summary and the location, for logs.
func (b Binary) String() string {
	s := b.Summary() + ", " + b.Location.String()
	if b.Note != "" {
		s += "; " + b.Note
	}
	return s
}
