// Package github is the GitHub adapter: the report comment on a pull request
// (found by its hidden marker among the comments the token's account wrote,
// created when missing, updated only when its body changed), the changed files of a pull request or a push, the pull
// request merged as a commit, and drift issues, over the REST API through
// google/go-github.
//
// Calls go through a retrying transport that honours Retry-After,
// X-RateLimit-Reset and GitHub's secondary rate limits, with backoff and a
// cap on every wait. Failures are the typed errors of package scm, which
// name the missing permission when GitHub answers 403.
package github
