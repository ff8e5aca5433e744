package tier

import (
	"fmt"
	"path"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// target is everything that belongs to one tier in one environment.
type target struct {
	key   plan.Stack
	globs []glob
	dirs  []string // a path inside one of these is a match
	files map[string]bool
	// policyDirs are the tier's policy directories: a path inside one is a
	// match unless only the policy tests read it.
	policyDirs []string
}

func newTarget(cfg *config.Config, t *config.Tier, env string, loc locator) (target, error) {
	tg := target{key: plan.Stack{Tier: t.Name, Environment: env}, files: map[string]bool{}}
	for _, g := range t.Paths {
		tg.globs = append(tg.globs, newGlob(config.Expand(g, env)))
	}
	if tf := t.Terraform; tf != nil {
		dir := path.Clean(config.Expand(tf.Dir, env))
		mods, err := loc.Modules(dir)
		if err != nil {
			return target{}, fmt.Errorf("tier %s: find modules of %s: %w", t.Name, dir, err)
		}
		tg.dirs = append(tg.dirs, dir)
		tg.dirs = append(tg.dirs, mods...)
		for _, f := range tf.VarFiles {
			tg.files[path.Clean(config.Expand(f, env))] = true
		}
	}
	for _, d := range t.PolicyDirs(env) {
		tg.policyDirs = append(tg.policyDirs, path.Clean(d))
	}
	for _, c := range t.Checks {
		// A checker that is a script of the repository; one on PATH is
		// not the repository's to change.
		if len(c.Command) > 0 && strings.Contains(c.Command[0], "/") {
			tg.files[path.Clean(c.Command[0])] = true
		}
		// A script of the repository given to an interpreter
		// ([sh, checks/cost.sh], [python3, budget.py]).
		for _, arg := range c.Command[min(1, len(c.Command)):] {
			if scriptArg(arg) {
				tg.files[path.Clean(arg)] = true
			}
		}
	}
	for _, r := range t.Helm {
		if r.IsLocalChart() {
			dir := path.Clean(config.Expand(r.Chart, env))
			charts, err := loc.Charts(dir)
			if err != nil {
				return target{}, fmt.Errorf("tier %s: release %s: find chart dependencies of %s: %w", t.Name, r.Release, dir, err)
			}
			tg.dirs = append(tg.dirs, dir)
			tg.dirs = append(tg.dirs, charts...)
		}
		for _, v := range r.Values {
			tg.files[path.Clean(config.Expand(v, env))] = true
		}
	}
	return tg, nil
}

func (tg target) matches(p string) bool {
	if tg.files[p] {
		return true
	}
	for _, d := range tg.dirs {
		if under(p, d) {
			return true
		}
	}
	for _, d := range tg.policyDirs {
		if under(p, d) && p != d && !config.PolicyTestOnly(strings.TrimPrefix(p, d+"/")) {
			return true
		}
	}
	for _, g := range tg.globs {
		if g.match(p) {
			return true
		}
	}
	return false
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	if dir == "." {
		return true
	}
	return strings.HasPrefix(p, dir) && (len(p) == len(dir) || p[len(dir)] == '/')
}

// scriptArg reports whether a checker's argument reads as a file of the
// repository: a relative path inside it, with a directory or an
// extension, that is no flag, placeholder or shell text. A word such as
// "config" (trivy config) is not taken for a file, so a file of that name
// selects nothing; a path that names no file never matches a change.
func scriptArg(arg string) bool {
	switch {
	case arg == "", strings.HasPrefix(arg, "-"), strings.HasPrefix(arg, "/"),
		strings.ContainsAny(arg, "{}$=\\ \t\n\"'`;|&<>*?"):
		return false
	case !strings.Contains(arg, "/") && !strings.Contains(strings.TrimPrefix(arg, "."), "."):
		return false
	}
	c := path.Clean(arg)
	return c != "." && c != ".." && !strings.HasPrefix(c, "../")
}
