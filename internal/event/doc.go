// Package event reads what triggered a CI run (the platform, the kind of
// event, the repository, the pull or merge request, the commits to compare)
// from the CI environment and, on GitHub, from the event payload.
//
// Detect chooses the platform; FromEnv builds the Event. Both take the
// environment as a function so that tests need no process environment. Every
// error caused by a missing or malformed input matches ErrInput with
// errors.Is, so the caller can map it to "bad input".
package event
