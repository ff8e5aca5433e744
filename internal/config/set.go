package config

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// SetValue is one value of a release's set: a YAML scalar kept with its
// type, so that `replicas: 2` sets a number and `tag: "2"` a string.
type SetValue struct {
	// Value is a string, an int64, a float64 or a bool.
	Value any
}

// EnvVar is an environment variable that a release's set values may read
// as {env.NAME}.
type EnvVar struct {
	Name string `yaml:"name"`
	// Secret masks the variable's value in every report, diff and log;
	// the report shows the placeholder instead.
	Secret bool `yaml:"secret"`
}

// Placeholders of set values, besides {environment} (Placeholder).
const (
	CommitPlaceholder = "{commit}"
	envPrefix         = "env."
)

// Vars are what the placeholders of set values stand for.
type Vars struct {
	// Environment replaces {environment}.
	Environment string
	// Commit replaces {commit}: the full commit hash being planned or
	// applied.
	Commit string
	// LookupEnv reads an environment variable for {env.NAME}, as
	// os.LookupEnv does; nil means none is set.
	LookupEnv func(name string) (string, bool)
}

// SetEntry is one entry of a release's set with its placeholders replaced.
type SetEntry struct {
	// Path is the chart value path as written: dots separate keys, and
	// `\.` is a dot inside a key.
	Path string
	// Value is the value to set: for a string, with its placeholders
	// replaced; numbers and booleans as written.
	Value any
	// Template is the value as written in the configuration, for the
	// report.
	Template string
	// Secret is true when the value holds a secret environment variable:
	// show Template, never Value.
	Secret bool
	// SecretValues are the values of the secret variables it holds, to
	// mask wherever they appear, alone or within Value.
	SecretValues []string
}

// placeholderRE matches a placeholder: braces around a name of letters,
// digits, dots, dashes and underscores. Other braces are kept as they are.
var placeholderRE = regexp.MustCompile(`\{[A-Za-z0-9_.-]+\}`)

// ExpandSet returns the release's set entries, sorted by path, with the
// placeholders of string values replaced: {environment} and {commit} by
// vars, {env.NAME} by the environment variable NAME, which the release
// lists in env. Replaced text is not scanned again, so a variable's value
// holding a placeholder stays as it is. A placeholder without a value (an
// unset variable, an empty commit or environment) is a *SetError matching
// ErrUnset; ExpandSet does no other check, since Parse validated the rest.
func (r Release) ExpandSet(vars Vars) ([]SetEntry, error) {
	secret := map[string]bool{}
	for _, e := range r.Env {
		secret[e.Name] = e.Secret
	}
	out := make([]SetEntry, 0, len(r.Set))
	for _, path := range slices.Sorted(maps.Keys(r.Set)) {
		v := r.Set[path].Value
		s, ok := v.(string)
		if !ok {
			out = append(out, SetEntry{Path: path, Value: v, Template: fmt.Sprint(v)})
			continue
		}
		e := SetEntry{Path: path, Template: s}
		var fail error
		e.Value = placeholderRE.ReplaceAllStringFunc(s, func(ph string) string {
			val, isSecret, err := vars.value(ph, secret)
			if err != nil && fail == nil {
				fail = &SetError{Release: r.Release, Path: path, Placeholder: ph, Err: err}
			}
			if isSecret {
				e.Secret = true
				e.SecretValues = append(e.SecretValues, val)
			}
			return val
		})
		if fail != nil {
			return nil, fail
		}
		out = append(out, e)
	}
	return out, nil
}

// value returns what the placeholder ph stands for; secret tells whether
// it came from a secret variable.
func (v Vars) value(ph string, secret map[string]bool) (string, bool, error) {
	switch name := ph[1 : len(ph)-1]; {
	case ph == Placeholder:
		if v.Environment == "" {
			return "", false, fmt.Errorf("the environment is not known: %w", ErrUnset)
		}
		return v.Environment, false, nil
	case ph == CommitPlaceholder:
		if v.Commit == "" {
			return "", false, fmt.Errorf("the commit is not known: %w", ErrUnset)
		}
		return v.Commit, false, nil
	case strings.HasPrefix(name, envPrefix):
		env := strings.TrimPrefix(name, envPrefix)
		isSecret, listed := secret[env]
		if !listed {
			return "", false, fmt.Errorf("environment variable %s is not listed in env", env)
		}
		if v.LookupEnv != nil {
			if val, ok := v.LookupEnv(env); ok {
				return val, isSecret, nil
			}
		}
		return "", isSecret, fmt.Errorf("environment variable %s is not set: set it in the job's environment: %w", env, ErrUnset)
	default:
		return "", false, fmt.Errorf("unknown placeholder")
	}
}

// placeholderProblem returns what is wrong with the placeholder ph in a
// set value of a release listing env, or "".
func placeholderProblem(ph string, env map[string]bool) string {
	name := ph[1 : len(ph)-1]
	switch {
	case ph == Placeholder, ph == CommitPlaceholder:
		return ""
	case strings.HasPrefix(name, envPrefix):
		v := strings.TrimPrefix(name, envPrefix)
		if !env[v] {
			return fmt.Sprintf("uses the environment variable %s, which is not listed in env (add - name: %s)", v, v)
		}
		return ""
	}
	return fmt.Sprintf("has the unknown placeholder %s: use {environment}, {commit} or {env.NAME}", ph)
}
