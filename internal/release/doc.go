// Package release holds the decisions and file edits of a release, shared by
// the release pipelines of GitHub and GitLab (cmd/release): the version a
// release tag names, which floating tags (1.2, 1, latest) move to it, only
// ever forward, the action.yml that runs the release's image pinned by
// digest, and the component whose default image is its own release's.
//
// The files are edited in place, line by line, so that comments and layout
// stay; each edit is checked by decoding the result, which must differ from
// the original in the edited value only.
package release
