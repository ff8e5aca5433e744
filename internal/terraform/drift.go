package terraform

import (
	"reflect"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// A refresh-only plan lists every difference between the state and what the
// provider reads back, and on a real cloud most of them are nobody's change:
// values the service computes (an RDS instance's latest restorable time, an
// EFS file system's number of mount targets), attachments made by other
// resources of the same configuration (an IAM role's managed policies, a
// route table's routes, a security group's rules), and a null read back as
// an empty list. Drift, for tierdeploy, is a change to what the
// configuration sets: a resource counts as drifted when it was deleted
// outside Terraform, or when an argument written in its configuration
// (nested blocks down to the arguments they write) reads back different,
// null and empty values being the same. The plan text still shows
// everything Terraform saw.
//
// Arguments written in a dynamic block are not in the plan's
// configuration, so a change made outside to them alone is not seen.

// configIndex finds the configuration of a resource by its module path
// (without instance keys) and its address in that module.
type configIndex map[string]*tfjson.ConfigResource

// indexConfig indexes every resource of the plan's configuration, in every
// module call.
func indexConfig(c *tfjson.Config) configIndex {
	idx := configIndex{}
	if c == nil {
		return idx
	}
	var walk func(prefix string, m *tfjson.ConfigModule)
	walk = func(prefix string, m *tfjson.ConfigModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			idx[prefix+"|"+r.Address] = r
		}
		for name, call := range m.ModuleCalls {
			if call == nil {
				continue
			}
			walk(joinModule(prefix, "module."+name), call.Module)
		}
	}
	walk("", c.RootModule)
	return idx
}

func joinModule(prefix, part string) string {
	if prefix == "" {
		return part
	}
	return prefix + "." + part
}

// lookup returns the configuration of the resource a change is about, or
// nil when the configuration does not have it (a resource removed from the
// code, or a plan without configuration).
func (idx configIndex) lookup(rc *tfjson.ResourceChange) *tfjson.ConfigResource {
	addr := rc.Type + "." + rc.Name
	if rc.Mode == tfjson.DataResourceMode {
		addr = "data." + addr
	}
	return idx[stripKeys(rc.ModuleAddress)+"|"+addr]
}

// stripKeys removes the instance keys from a module address:
// module.a["x.y"].module.b[0] is module.a.module.b.
func stripKeys(addr string) string {
	var b strings.Builder
	depth, quoted := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case quoted:
			if c == '\\' {
				i++
			} else if c == '"' {
				quoted = false
			}
		case c == '"' && depth > 0:
			quoted = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// driftMatters reports whether a resource of a refresh-only plan drifted in
// what its configuration sets (see the comment at the top of this file).
func driftMatters(rc *tfjson.ResourceChange, cfg *tfjson.ConfigResource) bool {
	if cfg == nil || rc.Change == nil || !rc.Change.Actions.Update() {
		return true
	}
	before, ok1 := rc.Change.Before.(map[string]any)
	after, ok2 := rc.Change.After.(map[string]any)
	if !ok1 || !ok2 {
		return true
	}
	for name, expr := range cfg.Expressions {
		if !sameValue(before[name], after[name], expr) {
			return true
		}
	}
	return false
}

// sameValue compares the values an argument had before and after the
// refresh. For a nested block, only the arguments the configuration writes
// in it are compared.
func sameValue(a, b any, expr *tfjson.Expression) bool {
	if expr != nil && expr.ExpressionData != nil && len(expr.NestedBlocks) > 0 {
		keys := map[string]*tfjson.Expression{}
		for _, blk := range expr.NestedBlocks {
			for k, e := range blk {
				if keys[k] == nil {
					keys[k] = e
				}
			}
		}
		return reflect.DeepEqual(project(a, keys), project(b, keys))
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

// project keeps, of a block value (one object, or a list or set of them),
// the arguments in keys, normalized; blocks nested in those are projected
// the same way.
func project(v any, keys map[string]*tfjson.Expression) any {
	one := func(o any) any {
		m, ok := o.(map[string]any)
		if !ok {
			return normalize(o)
		}
		out := map[string]any{}
		for k, e := range keys {
			var x any
			if e != nil && e.ExpressionData != nil && len(e.NestedBlocks) > 0 {
				sub := map[string]*tfjson.Expression{}
				for _, blk := range e.NestedBlocks {
					for sk, se := range blk {
						sub[sk] = se
					}
				}
				x = project(m[k], sub)
			} else {
				x = normalize(m[k])
			}
			if x != nil {
				out[k] = x
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	switch t := v.(type) {
	case []any:
		out := make([]any, 0, len(t))
		for _, o := range t {
			out = append(out, one(o))
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case map[string]any:
		return one(t)
	default:
		return normalize(v)
	}
}

// normalize makes null, the empty string and empty lists, sets and maps
// the same value (nil), recursively: providers read an unset argument back
// as any of them.
func normalize(v any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case string:
		if t == "" {
			return nil
		}
		return t
	case []any:
		if len(t) == 0 {
			return nil
		}
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = normalize(x)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			if n := normalize(x); n != nil {
				out[k] = n
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	default:
		return v
	}
}
