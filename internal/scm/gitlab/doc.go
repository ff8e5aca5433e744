// Package gitlab is the GitLab adapter: the report note on a merge request
// (found by its hidden marker among the notes the token's account wrote,
// created when missing, updated only when its
// body changed), the changed files of a merge request or a push, the merge
// request merged as a commit, and drift issues, over the REST API through
// gitlab.com/gitlab-org/api/client-go.
//
// Retries are the client's own (go-retryablehttp), configured rather than
// duplicated: a backoff that honours Retry-After and RateLimit-Reset with a
// cap on every wait, and a check that gives up at once when the server asks
// for longer than the cap. Failures are the typed errors of package scm; a
// 403 names the token scope and role it takes, and CI_JOB_TOKEN, which
// cannot write notes, is refused up front.
package gitlab
