// Package scm holds what the GitHub and GitLab adapters (scm/github,
// scm/gitlab) share and what their callers need without importing them: the
// hidden markers that find tierdeploy's comments and issues again (a marker
// counts only as the first line of a body), the identity that tells
// tierdeploy's own comments and issues from anyone else's, the outcome of an
// upsert, the plan of a drift issue sync, the retry policy,
// body size limits and the typed errors of a platform API.
//
// It is pure: no network, no SDK. The adapters do the calls; the caller
// matches their errors with errors.As against the types here, so it can
// still write the report to the job summary and pick an exit code when the
// platform API fails.
package scm
