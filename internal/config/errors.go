package config

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNotFound is returned by Load when the configuration file does not exist.
var ErrNotFound = errors.New("configuration file not found")

// Problem is one mistake in the configuration file.
type Problem struct {
	File string
	Pos  Pos
	// Key is the key path, such as "tiers[1].terraform.dir"; empty for the
	// file as a whole.
	Key     string
	Message string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Pos.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Pos.Line)
		if p.Pos.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Pos.Column)
		}
	}
	b.WriteString(": ")
	if p.Key != "" {
		b.WriteString(p.Key)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Errors lists every problem found in a configuration file, in file order.
// It is the error Load returns for a bad configuration; callers treat it as
// bad input.
type Errors struct {
	File     string
	Problems []Problem
}

func (e *Errors) add(pos Pos, key, msg string) {
	e.Problems = append(e.Problems, Problem{File: e.File, Pos: pos, Key: key, Message: msg})
}

func (e *Errors) err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	sort.SliceStable(e.Problems, func(i, j int) bool {
		a, b := e.Problems[i].Pos, e.Problems[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return e
}

func (e *Errors) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].Error()
	}
	lines := make([]string, 0, len(e.Problems)+1)
	lines = append(lines, fmt.Sprintf("%s has %d problems:", e.File, len(e.Problems)))
	for _, p := range e.Problems {
		lines = append(lines, "  "+p.Error())
	}
	return strings.Join(lines, "\n")
}

// ErrUnset is matched by a *SetError whose placeholder has no value: an
// environment variable that is not set, or an unknown commit or
// environment.
var ErrUnset = errors.New("placeholder has no value")

// SetError means a set value of a release could not be expanded.
type SetError struct {
	Release string
	// Path is the chart value path; Placeholder the placeholder that
	// failed, such as "{env.IMAGE_TAG}".
	Path        string
	Placeholder string
	Err         error
}

func (e *SetError) Error() string {
	return fmt.Sprintf("helm release %s: set %s: %s: %v", e.Release, e.Path, e.Placeholder, e.Err)
}

// Unwrap returns the underlying failure.
func (e *SetError) Unwrap() error { return e.Err }
