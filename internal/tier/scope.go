package tier

import (
	"path"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// template is a location written with the {environment} placeholder.
type template struct {
	raw    string
	isGlob bool
	isDir  bool
	// wildcards match the location of any environment: the placeholder
	// stands for one path segment.
	wildcards []glob
}

// scoper decides which environments a changed path can affect.
type scoper struct {
	templates []template
}

func newScoper(cfg *config.Config) *scoper {
	s := &scoper{}
	add := func(raw string, isGlob, isDir bool) {
		if !strings.Contains(raw, config.Placeholder) {
			return
		}
		pattern := raw
		if !isGlob {
			raw = path.Clean(raw)
			pattern = escape(raw)
		}
		w := strings.ReplaceAll(pattern, config.Placeholder, "*")
		t := template{raw: raw, isGlob: isGlob, isDir: isDir, wildcards: []glob{newGlob(w)}}
		if isDir {
			t.wildcards = append(t.wildcards, newGlob(w+"/**"))
		}
		s.templates = append(s.templates, t)
	}
	for _, t := range cfg.Tiers {
		for _, g := range t.Paths {
			add(g, true, false)
		}
		if tf := t.Terraform; tf != nil {
			add(tf.Dir, false, true)
			for _, f := range tf.VarFiles {
				add(f, false, false)
			}
		}
		// Policy directories of environments sit beside shared ones
		// (policy/{environment} beside policy/terraform): only the
		// configured environments' folders are theirs.
		for _, p := range t.Policies {
			add(escape(path.Clean(p))+"/**", true, false)
		}
		for _, r := range t.Helm {
			if r.IsLocalChart() {
				add(r.Chart, false, true)
			}
			for _, v := range r.Values {
				add(v, false, false)
			}
		}
	}
	return s
}

// scope returns nil when p is not environment-specific, and otherwise the
// set of configured environments whose locations hold p (possibly empty: a
// folder of an environment that is not configured affects nothing).
func (s *scoper) scope(p string, envs []string) map[string]bool {
	var out map[string]bool
	for _, t := range s.templates {
		// A directory written with the placeholder holds environments by
		// name: a folder of an unconfigured one is still an environment's.
		// A file or glob may match a sibling whose name merely fits
		// (values.yaml beside {environment}.yaml), so only the configured
		// environments count there.
		if t.isDir && !t.holdsAny(p) {
			continue
		}
		var hit []string
		for _, e := range envs {
			if t.holds(p, e) {
				hit = append(hit, e)
			}
		}
		if !t.isDir && len(hit) == 0 {
			continue
		}
		if out == nil {
			out = map[string]bool{}
		}
		for _, e := range hit {
			out[e] = true
		}
	}
	return out
}

// holdsAny reports whether p lies in the template's location for some
// environment name.
func (t template) holdsAny(p string) bool {
	for _, w := range t.wildcards {
		if w.match(p) {
			return true
		}
	}
	return false
}

// escape quotes the glob metacharacters of a literal path, keeping the
// placeholder's braces.
func escape(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if strings.HasPrefix(p[i:], config.Placeholder) {
			b.WriteString(config.Placeholder)
			i += len(config.Placeholder) - 1
			continue
		}
		if isMeta(p[i]) {
			b.WriteByte('\\')
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// holds reports whether p lies in the template's location for env.
func (t template) holds(p, env string) bool {
	loc := config.Expand(t.raw, env)
	switch {
	case t.isGlob:
		return newGlob(loc).match(p)
	case t.isDir:
		return under(p, loc)
	default:
		return p == loc
	}
}
