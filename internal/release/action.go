package release

import (
	"fmt"
	"regexp"
	"strings"
)

// DevelopmentImage is runs.image of action.yml on the default branch: the
// runner builds the image from the repository's Dockerfile.
const DevelopmentImage = "Dockerfile"

var (
	// imageRe is a repository name without tag or digest, as the OCI
	// distribution specification defines it: an optional registry host
	// (with a port), then lower-case path components.
	imageRe = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?` +
		`[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$`)
	digestRe = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// PinnedImage returns the runs.image value that runs image pinned by
// digest: docker://IMAGE@sha256:....
func PinnedImage(image, digest string) (string, error) {
	if len(image) > 255 || !imageRe.MatchString(image) {
		return "", &InputError{What: "the image", Value: image, Reason: "expected a repository name without tag or digest, such as ghcr.io/tierdeploy/tierdeploy"}
	}
	if !digestRe.MatchString(digest) {
		return "", &InputError{What: "the image digest", Value: digest, Reason: "expected sha256: and 64 lower-case hex digits"}
	}
	return "docker://" + image + "@" + digest, nil
}

// PinAction returns action.yml (src, read from file) with runs.image set to
// the published image pinned by digest, and every other byte unchanged. src
// must be the development form (runs.image: Dockerfile), or already pinned
// to the same image and digest, which returns src as it is.
func PinAction(file string, src []byte, image, digest string) ([]byte, error) {
	pinned, err := PinnedImage(image, digest)
	if err != nil {
		return nil, err
	}
	nodes, values, err := documents(file, src)
	if err != nil {
		return nil, err
	}
	if len(nodes) != 1 {
		return nil, &FileError{File: file, Reason: "expected one YAML document"}
	}
	if using := lookup(nodes[0], "runs", "using"); using == nil || using.Value != "docker" {
		return nil, &FileError{File: file, Reason: "runs.using is not docker: only a Docker action runs an image"}
	}
	n := lookup(nodes[0], "runs", "image")
	switch {
	case n == nil:
		return nil, &FileError{File: file, Reason: "no runs.image"}
	case n.Value == pinned:
		return src, nil
	case n.Value != DevelopmentImage:
		return nil, &FileError{File: file, Reason: fmt.Sprintf("runs.image is %q, not %q: pin the development form of action.yml (the release tag's parent commit)", n.Value, DevelopmentImage)}
	}
	out, err := replaceScalar(file, src, n, pinned)
	if err != nil {
		return nil, err
	}
	if err := checkEdit(file, values, out, 0, pinned, "runs", "image"); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckDevelopmentAction returns an error unless action.yml (src) builds
// its image from the Dockerfile, as it must on a commit that gets a release
// tag.
func CheckDevelopmentAction(file string, src []byte) error {
	nodes, _, err := documents(file, src)
	if err != nil {
		return err
	}
	n := lookup(nodes[0], "runs", "image")
	if n == nil || n.Value != DevelopmentImage {
		value := ""
		if n != nil {
			value = n.Value
		}
		return &FileError{File: file, Reason: fmt.Sprintf("runs.image is %q: a release starts from action.yml with runs.image %q (the release pipeline pins the image)", strings.TrimSpace(value), DevelopmentImage)}
	}
	return nil
}
