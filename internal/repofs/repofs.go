package repofs

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Root is a repository root, resolved once.
type Root struct {
	dir, real string
}

// Open returns the Root of the repository in dir.
func Open(dir string) (*Root, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve the repository root %s: %w", dir, err)
	}
	return &Root{dir: dir, real: real}, nil
}

// Dir returns the repository root as given to Open.
func (r *Root) Dir() string { return r.dir }

// Check returns an *EscapeError when rel (slash-separated, relative to the
// root) resolves outside the repository. A path that does not exist, or a
// dangling link, reads nothing and is left to the caller.
func (r *Root) Check(rel string) error {
	rel = path.Clean(rel)
	real, err := filepath.EvalSymlinks(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	if !Inside(r.real, real) {
		return &EscapeError{Path: rel, Target: real}
	}
	return nil
}

// CheckPath is Check for a path p that is absolute or relative to the
// working directory: when p lies (lexically) in the repository it must
// resolve inside it; a path outside the repository is not checked.
func (r *Root) CheckPath(p string) error {
	rel, ok := r.Rel(p)
	if !ok {
		return nil
	}
	return r.Check(rel)
}

// Rel returns the path p (absolute, or relative to the working directory)
// relative to the root, slash-separated, and whether p lies inside the
// repository as written.
func (r *Root) Rel(p string) (string, bool) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	rootAbs, err := filepath.Abs(r.dir)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(rootAbs, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// CheckTree is Check, and for a directory also a walk of it: the first link
// under it that leads outside the repository is an *EscapeError. Links to
// directories inside the repository are followed, once each; .terraform
// directories, which hold links into the provider plugin cache, are
// skipped.
func (r *Root) CheckTree(rel string) error {
	rel = path.Clean(rel)
	if err := r.Check(rel); err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(r.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	return r.walk(rel, real, map[string]bool{})
}

func (r *Root) walk(rel, real string, seen map[string]bool) error {
	if seen[real] {
		return nil
	}
	seen[real] = true
	entries, err := os.ReadDir(real)
	if err != nil {
		return nil // a file, or unreadable: nothing under it
	}
	for _, e := range entries {
		name := e.Name()
		childRel, child := path.Join(rel, name), filepath.Join(real, name)
		switch {
		case e.IsDir() && name == ".terraform":
			continue
		case e.IsDir():
			if err := r.walk(childRel, child, seen); err != nil {
				return err
			}
		case e.Type()&fs.ModeSymlink != 0:
			target, err := filepath.EvalSymlinks(child)
			if err != nil {
				continue // dangling: nothing is read through it
			}
			if !Inside(r.real, target) {
				return &EscapeError{Path: childRel, Target: target}
			}
			if info, err := os.Stat(target); err == nil && info.IsDir() {
				if err := r.walk(childRel, target, seen); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// FS returns the repository as an fs.FS that refuses to open a path that
// leads outside it with an *EscapeError (errors.Is(err, ErrEscape)), which
// names the path itself.
func (r *Root) FS() fs.FS { return rootFS{r: r, fsys: os.DirFS(r.dir)} }

type rootFS struct {
	r    *Root
	fsys fs.FS
}

func (f rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if err := f.r.Check(name); err != nil {
		return nil, err
	}
	return f.fsys.Open(name)
}

// Inside reports whether p is root or lies under it; both must be resolved.
func Inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
