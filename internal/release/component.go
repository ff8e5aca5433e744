package release

import "fmt"

// componentVersionPath is where the component declares the tag of the image
// its jobs run by default.
var componentVersionPath = []string{"spec", "inputs", "image-version", "default"}

// ComponentVersion returns the default image version of the GitLab CI/CD
// component (src, read from file): the release whose image its jobs run
// unless the image-version input says otherwise.
func ComponentVersion(file string, src []byte) (string, error) {
	nodes, _, err := documents(file, src)
	if err != nil {
		return "", err
	}
	n := lookup(nodes[0], componentVersionPath...)
	if n == nil {
		return "", &FileError{File: file, Reason: "no spec.inputs.image-version.default"}
	}
	return n.Value, nil
}

// SetComponentVersion returns the component (src, read from file) with the
// default image version set to v, and every other byte unchanged: the
// component of release v runs the image of release v, also when it is
// included as @1 or @1.2.
func SetComponentVersion(file string, src []byte, v Version) ([]byte, error) {
	nodes, values, err := documents(file, src)
	if err != nil {
		return nil, err
	}
	n := lookup(nodes[0], componentVersionPath...)
	if n == nil {
		return nil, &FileError{File: file, Reason: "no spec.inputs.image-version.default"}
	}
	if n.Value == v.String() {
		return src, nil
	}
	out, err := replaceScalar(file, src, n, fmt.Sprintf("%q", v.String()))
	if err != nil {
		return nil, err
	}
	if err := checkEdit(file, values, out, 0, v.String(), componentVersionPath...); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckComponentVersion returns an error unless the component's default
// image version is v.
func CheckComponentVersion(file string, src []byte, v Version) error {
	got, err := ComponentVersion(file, src)
	if err != nil {
		return err
	}
	if got != v.String() {
		return &FileError{File: file, Reason: fmt.Sprintf("the default image-version is %q, not %q: run `go run ./cmd/release prepare %s` and commit before tagging %s", got, v, v, v.Tag())}
	}
	return nil
}
