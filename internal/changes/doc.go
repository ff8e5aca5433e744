// Package changes lists the paths changed between two revisions of the
// repository, from the local git history.
//
// Renames count for both the old and the new path. When the history is too
// shallow to hold the base revision or the merge base, the error says how to
// fetch more of it.
package changes
