package event

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInput matches (with errors.Is) every error caused by a missing or
// malformed CI input: an unknown platform, a missing or invalid variable, an
// unreadable payload or an event kind that tierdeploy does not handle.
var ErrInput = errors.New("invalid CI event input")

// PlatformError means the platform flag names no known platform.
type PlatformError struct {
	Value string
}

func (e *PlatformError) Error() string {
	return fmt.Sprintf("unknown platform %q: use auto, github, gitlab or local", e.Value)
}

// Is makes the error match ErrInput.
func (e *PlatformError) Is(target error) bool { return target == ErrInput }

// EnvError means a CI variable is missing or holds an invalid value.
type EnvError struct {
	Var   string
	Value string
	// Reason says what is expected.
	Reason string
}

func (e *EnvError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("CI variable %s is not set: %s", e.Var, e.Reason)
	}
	return fmt.Sprintf("CI variable %s=%q is not valid: %s", e.Var, e.Value, e.Reason)
}

// Is makes the error match ErrInput.
func (e *EnvError) Is(target error) bool { return target == ErrInput }

// PayloadError means the GitHub event payload is missing, unreadable or not
// in the documented format.
type PayloadError struct {
	// Event is GITHUB_EVENT_NAME; Path the payload file.
	Event string
	Path  string
	Err   error
}

func (e *PayloadError) Error() string {
	return fmt.Sprintf("read the %s event payload %s: %v", e.Event, e.Path, e.Err)
}

func (e *PayloadError) Unwrap() error { return e.Err }

// Is makes the error match ErrInput.
func (e *PayloadError) Is(target error) bool { return target == ErrInput }

// UnsupportedEventError means the run was triggered by an event that
// tierdeploy does not handle.
type UnsupportedEventError struct {
	Platform  Platform
	Name      string
	Supported []string
}

func (e *UnsupportedEventError) Error() string {
	return fmt.Sprintf("%s event %q is not supported: trigger tierdeploy on %s",
		e.Platform, e.Name, strings.Join(e.Supported, ", "))
}

// Is makes the error match ErrInput.
func (e *UnsupportedEventError) Is(target error) bool { return target == ErrInput }

// ForkError means the run would execute a fork's Terraform or charts where
// the job holds the base repository's secrets (Event.ForkWithSecrets). It
// matches ErrInput: the workflow must be set up otherwise.
type ForkError struct {
	Platform Platform
	// Name is the trigger (GITHUB_EVENT_NAME or CI_PIPELINE_SOURCE).
	Name string
}

func (e *ForkError) Error() string {
	if e.Platform == GitLab {
		return "refusing to run a fork's Terraform and charts in a pipeline of the target project, where the job holds its CI/CD variables: " +
			"let merge request pipelines from forks run in the fork (GitLab's default), or push the change to a branch of this project"
	}
	return "refusing to run a fork's Terraform and charts under " + e.Name + ", where the job holds this repository's secrets and a write token: " +
		"plan pull requests from forks on the pull_request event (read-only token, no secrets), or push the change to a branch of this repository"
}

// Is makes the error match ErrInput.
func (e *ForkError) Is(target error) bool { return target == ErrInput }
