// Package repofs keeps every read of a file the repository names inside the
// repository. A path is checked lexically where it is written (config); on
// disk it may still be a symbolic link, or lie under one, that leads to a
// file outside the checkout (a kubeconfig, a key). Root resolves such paths
// against the resolved repository root and refuses the ones that leave it,
// with an *EscapeError naming the link, before anything is read through it.
package repofs
