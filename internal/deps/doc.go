// Package deps finds the local files a stage depends on beyond its own
// directory: the Terraform modules a root module calls through local sources
// (transitively), and the charts a Helm chart pulls in through file://
// dependencies.
//
// It reads configuration statically; nothing is run and no network is used.
package deps
