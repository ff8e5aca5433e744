// Package childenv builds the environment of the child processes that run
// the repository's code (terraform, tofu, and the binaries tierdeploy asks
// for their version): the process's environment without the CI platform's
// own credentials.
package childenv
