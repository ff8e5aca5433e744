package app

import (
	"os"
	"path/filepath"

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

// containedFile returns a *repofs.EscapeError when the file p, lying as
// written in one of roots (the configuration's directory, the repository
// around it, the CI workspace; "" is skipped), leads outside that root
// through a symbolic link.
func containedFile(p string, roots ...string) error {
	for _, root := range roots {
		if root == "" {
			continue
		}
		r, err := repofs.Open(root)
		if err != nil {
			continue
		}
		if err := r.CheckPath(p); err != nil {
			return err
		}
	}
	return nil
}

// repositoryTop returns the closest directory from dir up that holds .git
// (a directory, or a file in a worktree), or "" when none does.
func repositoryTop(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
