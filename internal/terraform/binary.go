package terraform

import (
	"errors"
	"path/filepath"
)

// candidates are the binaries looked up on PATH, in order, when none is
// configured.
var candidates = []string{"tofu", "terraform"}

// FindBinary returns the absolute path of the Terraform binary to run.
// configured is the terraform.binary setting: a name looked up on PATH (such
// as "tofu" or "terraform"), a path, or empty for the first of tofu and
// terraform on PATH. lookPath is exec.LookPath outside tests. A missing
// binary is a *BinaryNotFoundError that says how to install one.
func FindBinary(configured string, lookPath func(string) (string, error)) (string, error) {
	if configured != "" {
		p, err := lookPath(configured)
		if err != nil {
			return "", &BinaryNotFoundError{Configured: configured, Err: err}
		}
		return absolute(p)
	}
	var errs []error
	for _, name := range candidates {
		p, err := lookPath(name)
		if err == nil {
			return absolute(p)
		}
		errs = append(errs, err)
	}
	return "", &BinaryNotFoundError{Err: errors.Join(errs...)}
}

// absolute makes p absolute: a relative path would otherwise be resolved
// against each command's directory.
func absolute(p string) (string, error) {
	if filepath.IsAbs(p) {
		return p, nil
	}
	return filepath.Abs(p)
}
