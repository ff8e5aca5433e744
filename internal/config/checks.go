package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Check is an external checker command of a tier, run on every stage of
// the given kinds with the masked plan JSON and rendered manifests.
type Check struct {
	// Name names the check in the report.
	Name string `yaml:"name"`
	// Command is the argv: a program on PATH or a path relative to Root,
	// then its arguments, in which {plan_json}, {manifests} and {input}
	// are replaced by the paths of the stage's files.
	Command []string `yaml:"command"`
	// Timeout bounds one run; zero means DefaultCheckTimeout.
	Timeout Duration `yaml:"timeout"`
	// Stages are the stage kinds checked: terraform, helm; empty means
	// both.
	Stages []string `yaml:"stages"`
	// WarnExitCodes are the exit statuses that warn; 0 passes, any other
	// fails the stack.
	WarnExitCodes []int `yaml:"warn_exit_codes"`
}

// DefaultCheckTimeout bounds a check that sets no timeout.
const DefaultCheckTimeout = 5 * time.Minute

// CheckTimeout returns the check's timeout.
func (c Check) CheckTimeout() time.Duration {
	if c.Timeout > 0 {
		return time.Duration(c.Timeout)
	}
	return DefaultCheckTimeout
}

// Runs reports whether the check runs on stages of the kind ("terraform"
// or "helm").
func (c Check) Runs(kind string) bool {
	if len(c.Stages) == 0 {
		return true
	}
	for _, s := range c.Stages {
		if s == kind {
			return true
		}
	}
	return false
}

// PolicyDirs returns the tier's policy directories for an environment:
// the {environment} placeholder replaced, duplicates removed, in order.
func (t *Tier) PolicyDirs(environment string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range t.Policies {
		d := Expand(p, environment)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

var checkNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// validateChecks checks a tier's policies and checks.
func (c *Config) validateChecks(errs *Errors, at string, t Tier) {
	for j, p := range t.Policies {
		if !cleanRelative(Expand(p, "env")) {
			c.problem(errs, fmt.Sprintf("%s.policies[%d]", at, j), "must be a relative path inside the repository, not %q", p)
		}
	}
	names := map[string]int{}
	for j, ch := range t.Checks {
		cat := fmt.Sprintf("%s.checks[%d]", at, j)
		switch k, dup := names[ch.Name]; {
		case ch.Name == "":
			c.problem(errs, cat, "has no name")
		case dup:
			c.problem(errs, cat+".name", "check %q is already defined at %s.checks[%d]", ch.Name, at, k)
		case !checkNameRE.MatchString(ch.Name):
			c.problem(errs, cat+".name", "%q is not a valid check name: use letters, digits, . _ and -", ch.Name)
		default:
			names[ch.Name] = j
		}
		switch {
		case len(ch.Command) == 0 || ch.Command[0] == "":
			c.problem(errs, cat+".command", "is required: the program and its arguments, as a list")
		case strings.HasPrefix(ch.Command[0], "/"), strings.Contains(ch.Command[0], "/") && !cleanRelative(ch.Command[0]):
			c.problem(errs, cat+".command[0]", "must be a program on PATH or a path inside the repository, not %q", ch.Command[0])
		}
		for k, s := range ch.Stages {
			if s != "terraform" && s != "helm" {
				c.problem(errs, fmt.Sprintf("%s.stages[%d]", cat, k), "must be terraform or helm, not %q", s)
			}
		}
		for k, code := range ch.WarnExitCodes {
			if code < 1 || code > 255 {
				c.problem(errs, fmt.Sprintf("%s.warn_exit_codes[%d]", cat, k), "must be an exit status from 1 to 255, not %d", code)
			}
		}
	}
}

// AllPolicyDirs returns the policy directories of every tier in every
// environment, without duplicates, in the order of the configuration: what
// test-policies tests together.
func (c *Config) AllPolicyDirs() []string {
	var out []string
	seen := map[string]bool{}
	for i := range c.Tiers {
		for _, env := range c.environmentsOrDefault() {
			for _, d := range c.Tiers[i].PolicyDirs(env) {
				if !seen[d] {
					seen[d] = true
					out = append(out, d)
				}
			}
		}
	}
	return out
}
