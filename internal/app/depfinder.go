package app

import (
	"github.com/tierdeploy/tierdeploy/internal/deps"
	"github.com/tierdeploy/tierdeploy/internal/repofs"
)

// dependencyFinder returns the finder of the local modules and charts the
// stages use, reading the repository at root through repofs: a module or
// chart dependency that is a link out of the repository is refused
// (repofs.ErrEscape, bad input), never read.
func dependencyFinder(root string) (*deps.Finder, error) {
	r, err := repofs.Open(root)
	if err != nil {
		return nil, err
	}
	return deps.New(r.FS()), nil
}
