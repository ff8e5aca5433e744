// Package releasetest is a local HTTPS release server for tests of
// package tfinstall and of the flows that install Terraform or OpenTofu:
// an httptest TLS server that serves both products in the layout of their
// release channels (HashiCorp's index.json and <version>/ directories,
// OpenTofu's api.json and v<version>/ release directories), with zip
// archives, SHA256SUMS files and detached OpenPGP signatures made with a
// key generated for the test (Keys returns it, to inject in place of the
// embedded release keys).
//
// The same files are served under two prefixes: /official (what Options
// points the Installer at, standing for the products' own channels) and
// /mirror (for the mirror setting). Tests can count requests per path,
// delay, corrupt or drop a file, sign a checksum file with another key and
// stop the server.
package releasetest
