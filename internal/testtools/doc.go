// Package testtools finds the tools that scripts/install-tools.sh installs
// into .tools/, for tests that run real components (OpenTofu, providers, a
// Kubernetes control plane).
//
// A missing tool skips the test when run by hand (with a message saying which
// install command to run) and fails it when CI is set, so that a green CI run
// cannot hide a missing install step.
package testtools
