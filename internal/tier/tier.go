package tier

import (
	"path"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Stack is one affected tier in one environment and why it is affected.
type Stack struct {
	Tier        string   `json:"tier"`
	Environment string   `json:"environment"`
	Reasons     []Reason `json:"reasons"`
}

// Key returns the stack's identity.
func (s Stack) Key() plan.Stack { return plan.Stack{Tier: s.Tier, Environment: s.Environment} }

// Selection is the affected stacks in dependency order: a stack comes after
// every stack of the same environment that its tier needs.
type Selection struct {
	Stacks []Stack `json:"stacks"`
}

// MatrixEntry is one job of a CI fan-out.
type MatrixEntry struct {
	Tier        string `json:"tier"`
	Environment string `json:"environment"`
}

// Matrix is the selection as a GitHub Actions strategy matrix.
type Matrix struct {
	Include []MatrixEntry `json:"include"`
}

// Matrix returns the selection as a fan-out matrix, in the same order.
func (s Selection) Matrix() Matrix {
	m := Matrix{Include: make([]MatrixEntry, 0, len(s.Stacks))}
	for _, st := range s.Stacks {
		m.Include = append(m.Include, MatrixEntry{Tier: st.Tier, Environment: st.Environment})
	}
	return m
}

// locator finds local dependencies of stage directories (see package deps).
type locator interface {
	Modules(dir string) ([]string, error)
	Charts(dir string) ([]string, error)
}

// Input is what to select from.
type Input struct {
	Config *config.Config
	// Paths are the changed paths, slash-separated and relative to the
	// configuration's root.
	Paths []string
	// All selects every stack regardless of Paths.
	All bool
	// Tiers and Environments, when not empty, keep only those.
	Tiers        []string
	Environments []string
}

// Select returns the stacks that the changed paths affect. A tier is affected
// in an environment when a changed path matches its paths globs, lies in its
// Terraform directory or a local module that directory calls, is one of its
// var files, lies in a local chart of its releases (or a file:// dependency
// of it), is one of its values files, or is the configuration file itself. A
// tier that needs the tier publishing the inventory is affected where that
// tier is, because the inventory may change. A path inside an
// environment-specific location (a template holding {environment}) affects
// that environment only.
func Select(in Input, loc locator) (Selection, error) {
	cfg := in.Config
	if err := checkFilters(cfg, in.Tiers, in.Environments); err != nil {
		return Selection{}, err
	}
	order := Order(cfg)
	envs := cfg.EnvironmentNames()
	reasons := make(map[plan.Stack][]Reason)

	if in.All {
		for _, t := range order {
			for _, e := range envs {
				reasons[plan.Stack{Tier: t.Name, Environment: e}] = []Reason{{Kind: SelectedAll}}
			}
		}
	} else if err := match(cfg, order, envs, in.Paths, loc, reasons); err != nil {
		return Selection{}, err
	}

	var sel Selection
	for _, t := range order {
		for _, e := range envs {
			k := plan.Stack{Tier: t.Name, Environment: e}
			rs, ok := reasons[k]
			if !ok {
				continue
			}
			if !keep(in.Tiers, t.Name) || !keep(in.Environments, e) {
				continue
			}
			sel.Stacks = append(sel.Stacks, Stack{Tier: t.Name, Environment: e, Reasons: rs})
		}
	}
	return sel, nil
}

func keep(filter []string, name string) bool {
	return len(filter) == 0 || slices.Contains(filter, name)
}

func checkFilters(cfg *config.Config, tiers, envs []string) error {
	for _, t := range tiers {
		if cfg.Tier(t) == nil {
			return &UnknownError{What: "tier", Name: t, Known: names(cfg.Tiers, func(t config.Tier) string { return t.Name })}
		}
	}
	for _, e := range envs {
		if cfg.Environment(e) == nil {
			return &UnknownError{What: "environment", Name: e, Known: cfg.EnvironmentNames()}
		}
	}
	return nil
}

func names[T any](items []T, name func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = name(it)
	}
	return out
}

// match fills reasons from the changed paths.
func match(cfg *config.Config, order []*config.Tier, envs []string, paths []string, loc locator, reasons map[plan.Stack][]Reason) error {
	scoper := newScoper(cfg)
	targets := make([]target, 0, len(order)*len(envs))
	for _, t := range order {
		for _, e := range envs {
			tg, err := newTarget(cfg, t, e, loc)
			if err != nil {
				return err
			}
			targets = append(targets, tg)
		}
	}
	cfgFile := path.Clean(cfg.File)
	for _, p := range paths {
		if p == cfgFile {
			for _, tg := range targets {
				reasons[tg.key] = append(reasons[tg.key], Reason{Kind: ChangedPath, Path: p})
			}
			continue
		}
		scope := scoper.scope(p, envs)
		for _, tg := range targets {
			if scope != nil && !scope[tg.key.Environment] {
				continue
			}
			if tg.matches(p) {
				reasons[tg.key] = append(reasons[tg.key], Reason{Kind: ChangedPath, Path: p})
			}
		}
	}
	// Tiers that consume the inventory follow the publisher.
	pub := cfg.Publisher()
	if pub == nil {
		return nil
	}
	reason := Reason{Kind: InventoryMayChange, Tier: pub.Name}
	for _, t := range order {
		if t.Name == pub.Name || !cfg.Needs(t, pub.Name) {
			continue
		}
		for _, e := range envs {
			if _, ok := reasons[plan.Stack{Tier: pub.Name, Environment: e}]; !ok {
				continue
			}
			k := plan.Stack{Tier: t.Name, Environment: e}
			reasons[k] = append(reasons[k], reason)
		}
	}
	return nil
}

// Order returns the tiers in dependency order, keeping the configuration's
// order among tiers that do not depend on each other. The configuration is
// validated, so there is no cycle.
func Order(cfg *config.Config) []*config.Tier {
	done := make(map[string]bool, len(cfg.Tiers))
	out := make([]*config.Tier, 0, len(cfg.Tiers))
	for len(out) < len(cfg.Tiers) {
		progressed := false
		for i := range cfg.Tiers {
			t := &cfg.Tiers[i]
			if done[t.Name] {
				continue
			}
			ready := true
			for _, n := range t.Needs {
				if !done[n] {
					ready = false
					break
				}
			}
			if ready {
				done[t.Name] = true
				out = append(out, t)
				progressed = true
				break // restart so the earliest ready tier always goes first
			}
		}
		if !progressed {
			panic("tier: needs cycle in a validated configuration")
		}
	}
	return out
}

// AllStacks returns every stack of the configuration in dependency order,
// for commands (drift) that look at everything.
func AllStacks(cfg *config.Config) []Stack {
	var out []Stack
	for _, t := range Order(cfg) {
		for _, e := range cfg.EnvironmentNames() {
			out = append(out, Stack{Tier: t.Name, Environment: e})
		}
	}
	return out
}

// isMeta reports whether the glob byte is special.
func isMeta(c byte) bool { return strings.IndexByte(`*?[{\`, c) >= 0 }

// literalPrefix returns the part of a glob before its first special byte.
func literalPrefix(glob string) string {
	for i := 0; i < len(glob); i++ {
		if isMeta(glob[i]) {
			return glob[:i]
		}
	}
	return glob
}

// glob is a doublestar pattern with its literal prefix for fast rejection.
type glob struct {
	pattern string
	prefix  string
}

func newGlob(p string) glob { return glob{pattern: p, prefix: literalPrefix(p)} }

func (g glob) match(p string) bool {
	if !strings.HasPrefix(p, g.prefix) {
		return false
	}
	if len(g.prefix) == len(g.pattern) {
		return p == g.pattern
	}
	ok, _ := doublestar.Match(g.pattern, p)
	return ok
}
