package config

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/repofs"
)

// checkContained refuses every path the configuration names that leads
// outside root through a symbolic link: a stage directory, var file, values
// file, local chart or check command that is a link, or lies under one, to
// a file outside the repository (a kubeconfig, a key), and any link inside
// a stage directory or local chart that leads outside. The paths are
// checked lexically at parse time; this resolves them on disk
// (internal/repofs), so that no file outside the repository is read,
// rendered, run or shown in a diff or an error.
func (c *Config) checkContained(root string) error {
	errs := &Errors{File: c.File}
	r, err := repofs.Open(root)
	if err != nil {
		return err
	}
	ct := container{c: c, errs: errs, root: r}
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
		for j, ch := range t.Checks {
			if len(ch.Command) > 0 && strings.Contains(ch.Command[0], "/") {
				ct.check(fmt.Sprintf("%s.checks[%d].command[0]", at, j), ch.Command[0], false)
			}
		}
	}
	return errs.err()
}

type container struct {
	c    *Config
	errs *Errors
	root *repofs.Root
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
		var err error
		if dir {
			err = ct.root.CheckTree(rel)
		} else {
			err = ct.root.Check(rel)
		}
		var esc *repofs.EscapeError
		if errors.As(err, &esc) {
			ct.c.problem(ct.errs, key, "%s", esc.Error())
			return
		}
	}
}

// inside reports whether p is root or lies under it (both resolved).
func inside(root, p string) bool { return repofs.Inside(root, p) }
