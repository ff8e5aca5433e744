// Command release runs the steps of a release that edit or decide: the
// release pipelines of GitHub (.github/workflows/release.yml) and GitLab
// (.gitlab-ci.yml) call it with `go run ./cmd/release`. RELEASING.md walks
// through a release; `go run ./cmd/release help` lists the commands.
package main

import (
	"os"

	"github.com/tierdeploy/tierdeploy/internal/release"
)

func main() {
	os.Exit(release.Main(os.Args[1:], os.Stdout, os.Stderr))
}
