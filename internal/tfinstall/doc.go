// Package tfinstall installs the OpenTofu or Terraform release a stack asks
// for (a tfversion.Request), verified, into a tool cache shared by parallel
// stacks and by the next runs.
//
// Select decides without downloading: an exact version as it is; a
// constraint becomes the newest release in the product's listing that
// satisfies it and has an archive for this platform (linux and darwin on
// amd64 and arm64). A release already in the cache, or the same release on
// PATH, is used as it is. Check is Select and, for a release to download,
// a look at its checksum file, so that a version that is not published is
// found before anything is downloaded. Install downloads what Select could
// not find.
//
// Verification comes before use, and a failure is never followed by a
// fallback: the checksum file (terraform_<v>_SHA256SUMS, tofu_<v>_SHA256SUMS)
// must carry a valid detached OpenPGP signature (.sig, .gpgsig) by the
// product's release key, embedded in tierdeploy (keys/), and the archive
// must have the SHA-256 the checksum file lists for it. Only then is the
// binary taken out of the archive and moved, in one rename, into
// <cache>/<product>/<version>/<os>_<arch>/, with a record of what was
// verified; a later run checks the binary against that record.
//
// One release is downloaded once: callers in one process share a download,
// and an advisory file lock per release makes a second process wait and
// then use the first one's result.
//
// The releases come from the products' official channels (Official), or
// from a mirror that serves the same layout (MirrorChannels). In offline
// mode nothing is listed or downloaded: the cache and PATH must have a
// release that satisfies the request, and the error says what is missing.
package tfinstall
