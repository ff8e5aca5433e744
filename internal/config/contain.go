package config

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// checkContained refuses every path the configuration names that leads
// outside root through a symbolic link: a stage directory, var file, values
// file or local chart that is a link, or lies under one, to a file outside
// the repository (a kubeconfig, a key), and any link inside a stage
// directory or local chart that leads outside. The paths are checked
// lexically at parse time; this resolves them on disk, so that no file
// outside the repository is read, rendered or shown in a diff or an error.
func (c *Config) checkContained(root string) error {
	errs := &Errors{File: c.File}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("resolve the repository root %s: %w", root, err)
	}
	ct := container{c: c, errs: errs, root: root, realRoot: realRoot}
	for i, t := range c.Tiers {
		at := fmt.Sprintf("tiers[%d]", i)
		if tf := t.Terraform; tf != nil {
			ct.check(at+".terraform.dir", tf.Dir, true)
			for j, f := range tf.VarFiles {
				ct.check(fmt.Sprintf("%s.terraform.var_files[%d]", at, j), f, false)
			}
		}
		for j, r := range t.Helm {
			rat := fmt.Sprintf("%s.helm[%d]", at, j)
			if r.IsLocalChart() {
				ct.check(rat+".chart", r.Chart, true)
			}
			for k, v := range r.Values {
				ct.check(fmt.Sprintf("%s.values[%d]", rat, k), v, false)
			}
		}
	}
	return errs.err()
}

type container struct {
	c              *Config
	errs           *Errors
	root, realRoot string
}

// check resolves the path template in every environment (once when it has
// no placeholder) and reports it when it leads outside the repository; a
// directory (dir) is also walked for links that do. A path that does not
// exist is left to checkFiles.
func (ct *container) check(key, tmpl string, dir bool) {
	envs := ct.c.environmentsOrDefault()
	if !strings.Contains(tmpl, Placeholder) {
		envs = envs[:1]
	}
	for _, env := range envs {
		rel := path.Clean(Expand(tmpl, env))
		p := filepath.Join(ct.root, filepath.FromSlash(rel))
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		if !inside(ct.realRoot, real) {
			ct.c.problem(ct.errs, key, "%s leads outside the repository through a symbolic link (to %s): "+
				"tierdeploy reads only files inside the repository; copy what it needs into the repository", rel, real)
			return
		}
		if dir && ct.walk(key, rel, real, map[string]bool{}) {
			return
		}
	}
}

// walk reports the first link under the directory real (shown as rel) that
// leads outside the repository, following links to directories inside it,
// once each. It skips .terraform directories, which hold links into the
// provider plugin cache. It returns whether it reported one.
func (ct *container) walk(key, rel, real string, seen map[string]bool) bool {
	if seen[real] {
		return false
	}
	seen[real] = true
	entries, err := os.ReadDir(real)
	if err != nil {
		return false
	}
	for _, e := range entries {
		name := e.Name()
		childRel, child := path.Join(rel, name), filepath.Join(real, name)
		switch {
		case e.IsDir() && name == ".terraform":
			continue
		case e.IsDir():
			if ct.walk(key, childRel, child, seen) {
				return true
			}
		case e.Type()&fs.ModeSymlink != 0:
			target, err := filepath.EvalSymlinks(child)
			if err != nil {
				continue // dangling: nothing is read through it
			}
			if !inside(ct.realRoot, target) {
				ct.c.problem(ct.errs, key, "%s is a symbolic link to %s, outside the repository: "+
					"tierdeploy reads only files inside the repository; copy what it needs into the repository", childRel, target)
				return true
			}
			if info, err := os.Stat(target); err == nil && info.IsDir() && ct.walk(key, childRel, target, seen) {
				return true
			}
		}
	}
	return false
}

// inside reports whether p is root or lies under it (both resolved).
func inside(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
