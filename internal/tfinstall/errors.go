package tfinstall

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/tfversion"
)

// ErrVerify is matched (errors.Is) by every *VerifyError.
var ErrVerify = errors.New("release verification failed")

// VerifyError means a downloaded file is not what the product published: an
// archive whose SHA-256 is not the one in the checksum file, or a checksum
// file that the product's key did not sign. Nothing was installed; there is
// no fallback to an unverified binary.
type VerifyError struct {
	// File is the name of the file that failed.
	File string
	// Reason says how it failed, such as "does not match its SHA-256 in
	// tofu_1.10.7_SHA256SUMS".
	Reason string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("%s %s: it was not installed (the download was damaged or tampered with, or the mirror serves another file)", e.File, e.Reason)
}

// Is matches ErrVerify.
func (e *VerifyError) Is(target error) bool { return target == ErrVerify }

// NotPublishedError means no release of the product satisfies the request
// (or the release has no archive for this platform). Callers treat it as
// bad input: the version asked for must change.
type NotPublishedError struct {
	Request tfversion.Request
	// Platform is set when the release exists but not for this platform.
	Platform string
	// Newest is the newest release the listing holds, when known.
	Newest string
	// Where is the listing or checksum file URL that was asked (redacted).
	Where string
}

func (e *NotPublishedError) Error() string {
	r := e.Request
	from := "asked for at " + r.Where()
	switch {
	case e.Platform != "":
		return fmt.Sprintf("%s %s (%s) is not published for %s", r.Product.Name(), r.Want.Raw, from, e.Platform)
	case r.Want.Exact != nil:
		return fmt.Sprintf("%s %s (%s) is not published at %s", r.Product.Name(), r.Want.Exact, from, e.Where)
	case e.Newest != "":
		return fmt.Sprintf("no %s release satisfies %s (%s); the newest is %s", r.Product.Name(), r.Want.Raw, from, e.Newest)
	}
	return fmt.Sprintf("no %s release satisfies %s (%s)", r.Product.Name(), r.Want.Raw, from)
}

// OfflineError means offline mode is on and neither the tool cache nor PATH
// holds a binary that satisfies the request.
type OfflineError struct {
	Request tfversion.Request
	// CacheDir is the tool cache, and Cached the versions of the product it
	// holds for this platform.
	CacheDir string
	Cached   []string
	// OnPath describes the product's binary on PATH ("" when there is none).
	OnPath string
}

func (e *OfflineError) Error() string {
	r := e.Request
	cached := "it holds no " + r.Product.Name()
	if len(e.Cached) > 0 {
		cached = "it holds " + strings.Join(e.Cached, ", ")
	}
	path := "no " + r.Product.Binary() + " on PATH"
	if e.OnPath != "" {
		path = e.OnPath + " on PATH"
	}
	return fmt.Sprintf("offline mode: %s %s (asked for at %s) is neither in the tool cache %s (%s) nor on PATH (%s); run `tierdeploy tools install` where the release channel or mirror is reachable, or turn offline mode off",
		r.Product.Name(), r.Want.Raw, r.Where(), e.CacheDir, cached, path)
}

// DownloadError is a release file or listing that could not be fetched.
type DownloadError struct {
	// URL is redacted: credentials are never shown.
	URL string
	// Status is the HTTP status; 0 when no response came.
	Status int
	Err    error
}

func (e *DownloadError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("download %s: %d %s", e.URL, e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("download %s: %v", e.URL, e.Err)
}

func (e *DownloadError) Unwrap() error { return e.Err }

// NotFound reports whether the server said the file does not exist.
func (e *DownloadError) NotFound() bool {
	return e.Status == http.StatusNotFound || e.Status == http.StatusGone
}

// MissingBinaryError means no version was asked for and the product's binary
// is not on PATH (or terraform.binary names a file that does not exist).
type MissingBinaryError struct {
	Request tfversion.Request
	Err     error
}

func (e *MissingBinaryError) Error() string {
	if e.Request.Source.Origin == tfversion.FromBinarySetting {
		return fmt.Sprintf("terraform.binary %s (%s) cannot be run: %v", e.Request.Binary, e.Request.Source, e.Err)
	}
	return fmt.Sprintf("no %s on PATH and no version asked for: set terraform.version for the tier, or add a %s file to the repository, and tierdeploy installs it",
		e.Request.Product.Binary(), versionFileName(e.Request.Product))
}

func (e *MissingBinaryError) Unwrap() error { return e.Err }

// UnsupportedPlatformError means releases are not installed on this
// operating system or architecture; only the binary on PATH can be used.
type UnsupportedPlatformError struct {
	Request  tfversion.Request
	Platform Platform
}

func (e *UnsupportedPlatformError) Error() string {
	return fmt.Sprintf("%s %s (asked for at %s) cannot be installed on %s (linux and darwin on amd64 and arm64 only): put it on PATH and remove the version setting",
		e.Request.Product.Name(), e.Request.Want.Raw, e.Request.Where(), e.Platform)
}

func versionFileName(p tfversion.Product) string {
	if p == tfversion.OpenTofu {
		return tfversion.OpenTofuVersionFile
	}
	return tfversion.TerraformVersionFile
}

// UnsafeCacheError means the tool cache, or a file or directory in it,
// can be written by someone other than this user (or root): whoever can
// write it can plant a binary together with a record that matches it, or
// swap a binary between its check and its run, so nothing in it is run and
// nothing is written to it.
type UnsafeCacheError struct {
	// Path is the file or directory that failed the check.
	Path string
	// Problem says how, such as "is writable by other users (mode 0777)".
	Problem string
}

func (e *UnsafeCacheError) Error() string {
	return fmt.Sprintf("the tool cache cannot be trusted: %s %s; make it writable by this user only (chmod go-w, chown), or set TIERDEPLOY_TOOL_CACHE to a directory that is", e.Path, e.Problem)
}
