package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// workDir returns the directory the command works in: --chdir, made
// absolute, or the process's working directory.
func (a *invocation) workDir() (string, error) {
	dir := a.globals.chdir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolve --chdir %s: %w", dir, err)
	}
	info, err := os.Stat(abs)
	if err != nil || !info.IsDir() {
		return "", usagef("--chdir %s is not a directory", dir)
	}
	return abs, nil
}

// configPath returns the configuration file to load: --config relative to
// the work dir, else tierdeploy.yaml in the work dir or the closest parent
// up to the repository root.
func (a *invocation) configPath() (string, error) {
	dir, err := a.workDir()
	if err != nil {
		return "", err
	}
	if c := a.globals.config; c != "" {
		if filepath.IsAbs(c) {
			return c, nil
		}
		return filepath.Join(dir, c), nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, config.DefaultFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil || filepath.Dir(d) == d {
			break
		}
	}
	return filepath.Join(dir, config.DefaultFile), nil
}

// loadConfig loads and validates the configuration.
func (a *invocation) loadConfig() (*config.Config, error) {
	p, err := a.configPath()
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(p)
	if err != nil && a.sess != nil && a.sess.ci() {
		rel := p
		if top, terr := filepath.Abs("."); terr == nil {
			if r, rerr := filepath.Rel(top, p); rerr == nil && !strings.HasPrefix(r, "..") {
				rel = r
			}
		}
		annotateConfig(a.sess.runner, err, filepath.ToSlash(rel))
	}
	return cfg, err
}
