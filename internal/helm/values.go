package helm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/yamlbound"
)

// valuesLimits bound what reading a values file from the repository may
// cost: its size, and the nodes its YAML aliases may add (against alias
// bombs, refused before Helm decodes the file).
var valuesLimits = yamlbound.Limits{MaxBytes: 16 << 20, MaxAliasNodes: 100_000}

// readValuesFile reads a values file, or its first valuesLimits.MaxBytes+1
// bytes when it is larger, so that a huge file is refused without being
// read whole.
func readValuesFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, valuesLimits.MaxBytes+1))
}

// values returns the release's values: its values files merged in order
// (a later file wins, maps merge key by key, as with helm -f), then each
// inventory_values entry set at its chart value path. sensitive holds the
// values that came from sensitive inventory keys, as text, for masking.
func (s *Stage) values() (vals map[string]any, sensitive []string, err error) {
	vals = map[string]any{}
	s.placeholders = nil
	for _, f := range s.rel.Values {
		path := f
		if !filepath.IsAbs(path) {
			path = filepath.Join(s.opts.Root, f)
		}
		data, err := readValuesFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("helm release %s: read values file: %w", s.rel.Release, err)
		}
		if err := yamlbound.Check(data, valuesLimits); err != nil {
			return nil, nil, fmt.Errorf("helm release %s: values file %s: %w", s.rel.Release, f, err)
		}
		v, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			return nil, nil, fmt.Errorf("helm release %s: values file %s: %w", s.rel.Release, f, err)
		}
		vals = loader.MergeMaps(vals, v)
	}
	for _, path := range slices.Sorted(maps.Keys(s.rel.InventoryValues)) {
		key := s.rel.InventoryValues[path]
		if s.knownAfterApply(key) {
			if err := setPath(vals, splitPath(path), UnknownPlaceholder); err != nil {
				return nil, nil, fmt.Errorf("helm release %s: inventory_values %s: %w", s.rel.Release, path, err)
			}
			s.placeholders = append(s.placeholders, placeholder{path: path, key: key})
			continue
		}
		v, secret, err := s.lookup(path, key)
		if err != nil {
			return nil, nil, err
		}
		if err := setPath(vals, splitPath(path), v); err != nil {
			return nil, nil, fmt.Errorf("helm release %s: inventory_values %s: %w", s.rel.Release, path, err)
		}
		if secret {
			sensitive = append(sensitive, leaves(v)...)
		}
	}
	for _, e := range s.opts.Set {
		if err := setPath(vals, splitPath(e.Path), e.Value); err != nil {
			return nil, nil, fmt.Errorf("helm release %s: set %s: %w", s.rel.Release, e.Path, err)
		}
		if e.Secret {
			sensitive = append(sensitive, leaves(e.Value)...)
			sensitive = append(sensitive, e.SecretValues...)
		}
	}
	return vals, sensitive, nil
}

// placeholder is a value known only after the infrastructure is applied.
type placeholder struct {
	// path is the chart value path; key the inventory key it maps.
	path, key string
}

// setNotes says what each set entry set, for the report; a secret
// entry shows as written, never its value.
func (s *Stage) setNotes() []string {
	var out []string
	for _, e := range s.opts.Set {
		switch {
		case e.Secret:
			out = append(out, fmt.Sprintf("set %s from %s (secret, masked)", e.Path, e.Template))
		case fmt.Sprint(e.Value) == e.Template:
			out = append(out, fmt.Sprintf("set %s = %v", e.Path, e.Value))
		default:
			out = append(out, fmt.Sprintf("set %s = %v (from %s)", e.Path, e.Value, e.Template))
		}
	}
	return out
}

// UnknownPlaceholder stands for an inventory value known only after the
// infrastructure is applied, in a plan.
const UnknownPlaceholder = "(known after apply)"

// knownAfterApply reports whether the inventory key lies under an output
// whose value the infrastructure plan knows only after apply.
func (s *Stage) knownAfterApply(key string) bool {
	for _, k := range s.opts.KnownAfterApply {
		if key == k || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

// lookup reads one inventory key.
func (s *Stage) lookup(path, key string) (any, bool, error) {
	missing := func(err error) error {
		return &MissingInventoryKeyError{Release: s.rel.Release, Value: path, Key: key,
			Environment: s.opts.Stack.Environment, Err: err}
	}
	doc := s.opts.Inventory
	if doc == nil {
		return nil, false, missing(fmt.Errorf("inventory key %q: no inventory is published for environment %q: %w",
			key, s.opts.Stack.Environment, inventory.ErrNotFound))
	}
	v, secret, err := inventory.Lookup(doc, key)
	if err != nil {
		var ke *inventory.KeyError
		if errors.As(err, &ke) {
			return nil, false, missing(err)
		}
		return nil, false, fmt.Errorf("helm release %s: inventory_values %s: %w", s.rel.Release, path, err)
	}
	return v, secret, nil
}

// splitPath splits a dotted chart value path; a backslash keeps the dot
// after it in the key, as in helm --set ("podAnnotations.eks\.amazonaws\.com/role").
func splitPath(path string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c == '\\' && i+1 < len(path) && path[i+1] == '.':
			cur.WriteByte('.')
			i++
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

// setPath sets v at path in vals, creating maps on the way. A value other
// than a map on the way is an error rather than overwritten, since a
// values file set it on purpose.
func setPath(vals map[string]any, path []string, v any) error {
	cur := vals
	for i, p := range path[:len(path)-1] {
		next, ok := cur[p]
		if !ok || next == nil {
			m := map[string]any{}
			cur[p] = m
			cur = m
			continue
		}
		m, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is %T in the values files, not a map", strings.Join(path[:i+1], "."), next)
		}
		cur = m
	}
	cur[path[len(path)-1]] = v
	return nil
}

// leaves returns the scalar values in v as text: the forms in which they
// can appear in a rendered manifest. Booleans and nulls are left out: they
// hide nothing.
func leaves(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case int64:
		return []string{strconv.FormatInt(t, 10)}
	case float64:
		return []string{strconv.FormatFloat(t, 'f', -1, 64)}
	case map[string]any:
		var out []string
		for _, x := range t {
			out = append(out, leaves(x)...)
		}
		return out
	case []any:
		var out []string
		for _, x := range t {
			out = append(out, leaves(x)...)
		}
		return out
	}
	return nil
}
