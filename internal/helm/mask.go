package helm

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	release "helm.sh/helm/v4/pkg/release/v1"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// changedMark follows a masked value whose secret changed, so that a diff
// of two masked objects still shows the change.
const changedMark = " (changed)"

// masking hides the inventory's secrets in the objects a diff shows. The
// objects are masked as trees, value by value, before they are serialized:
// a YAML serializer quotes a value in several ways (single quotes doubled,
// double quotes escaped) and folds a long one across lines, and no masking
// of the serialized text finds every such form. A nil *masking masks
// nothing.
type masking struct {
	m *redact.Masker
	// d keys the tokens of the secrets in the fingerprint.
	d *redact.Digester
}

// newMasking returns the masking of secrets, with fingerprint tokens from d.
func newMasking(secrets []string, d *redact.Digester) *masking {
	return &masking{m: redact.New(secrets...), d: d}
}

// secrets returns the values the stage masks: those set from sensitive
// inventory keys (fromValues), every sensitive leaf of the inventory,
// mapped or not (a chart or a values file may hold one by another path),
// and the values of the secret variables that set entries read.
func (s *Stage) secrets(fromValues []string) []string {
	out := slices.Concat(fromValues, inventory.SensitiveLeaves(s.opts.Inventory))
	for _, e := range s.opts.Set {
		if e.Secret {
			out = append(out, e.SecretValues...)
			out = append(out, leaves(e.Value)...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pair returns copies of two revisions of an object (either may be nil)
// in which every string, number and map key that holds a secret is masked.
// Where a and b hold different values that mask to the same text, b's is
// marked changed.
func (mk *masking) pair(a, b map[string]any) (map[string]any, map[string]any) {
	if mk == nil || mk.m.Empty() {
		return a, b
	}
	ma, mb := mk.values(a, b, a != nil, b != nil)
	var am, bm map[string]any
	if a != nil {
		am, _ = ma.(map[string]any)
	}
	if b != nil {
		bm, _ = mb.(map[string]any)
	}
	return am, bm
}

// values masks a and b, which are the same place in two revisions; hasA and
// hasB say whether each side has the place at all.
func (mk *masking) values(a, b any, hasA, hasB bool) (any, any) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap || bIsMap {
		var oa, ob map[string]any
		if aIsMap {
			oa = make(map[string]any, len(am))
		}
		if bIsMap {
			ob = make(map[string]any, len(bm))
		}
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for k := range keys {
			va, inA := am[k]
			vb, inB := bm[k]
			ma, mb := mk.values(va, vb, inA && aIsMap, inB && bIsMap)
			ka, kb := mk.m.String(k), mk.m.String(k)
			if kb != k && !(inA && aIsMap) {
				kb += changedMark // a secret key that a does not have
			}
			if inA && aIsMap {
				oa[ka] = ma
			}
			if inB && bIsMap {
				ob[kb] = mb
			}
		}
		var ra, rb any = oa, ob
		if !aIsMap {
			ra = mk.alone(a, hasA)
		}
		if !bIsMap {
			rb = mk.alone(b, hasB)
		}
		return ra, rb
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if aIsList || bIsList {
		var oa, ob []any
		if aIsList {
			oa = make([]any, len(al))
		}
		if bIsList {
			ob = make([]any, len(bl))
		}
		for i := range max(len(al), len(bl)) {
			var va, vb any
			inA, inB := i < len(al), i < len(bl)
			if inA {
				va = al[i]
			}
			if inB {
				vb = bl[i]
			}
			ma, mb := mk.values(va, vb, inA, inB)
			if inA {
				oa[i] = ma
			}
			if inB {
				ob[i] = mb
			}
		}
		var ra, rb any = oa, ob
		if !aIsList {
			ra = mk.alone(a, hasA)
		}
		if !bIsList {
			rb = mk.alone(b, hasB)
		}
		return ra, rb
	}
	ma, mb := mk.scalar(a), mk.scalar(b)
	if hasA && hasB && !sameScalarText(a, b) {
		// Where b holds a secret, what a holds at the same place is most
		// likely the secret before it changed, which the inventory no
		// longer knows: it is masked whole.
		if mb != b && ma == a && a != nil {
			ma = redact.Mask
		}
		if ma == mb {
			if s, ok := mb.(string); ok {
				mb = s + changedMark
			}
		}
	}
	return ma, mb
}

// alone masks a value that the other revision has not, or has as another
// kind of value (a map where this is a list, say).
func (mk *masking) alone(v any, has bool) any {
	if !has {
		return nil
	}
	out, _ := mk.values(v, nil, true, false)
	return out
}

// scalar masks one value: a string, or a number by its text.
func (mk *masking) scalar(v any) any {
	switch t := v.(type) {
	case string:
		return mk.m.String(t)
	case nil, bool:
		return v
	}
	text := scalarString(v)
	if mk.m.Contains(text) {
		return mk.m.String(text)
	}
	return v
}

// sameScalarText reports whether two scalars have the same text.
func sameScalarText(a, b any) bool {
	return scalarString(a) == scalarString(b) && fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b)
}

func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// digest returns what the fingerprint takes of the secrets in an object,
// besides its masked diff: with a fingerprint key, the keyed tokens of the
// strings that hold a secret and of the Secret's values, so that a changed
// secret is a changed plan; without one, nothing.
func (mk *masking) digest(body map[string]any, secretValues []string) string {
	if mk == nil || !mk.d.Keyed() {
		return ""
	}
	var toks []string
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if mk.m.Contains(k) {
					toks = append(toks, "key "+mk.d.Token(k))
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case nil, bool:
		default:
			if s := scalarString(t); mk.m.Contains(s) {
				toks = append(toks, mk.d.Token(s))
			}
		}
	}
	walk(body)
	for _, v := range secretValues {
		toks = append(toks, "secret "+mk.d.Token(v))
	}
	sort.Strings(toks)
	return strings.Join(toks, ",")
}

// releaseSecrets returns the values a revision of the release got from
// sensitive inventory keys, by the release's inventory_values, as they are
// stored with it: after a secret changed, the deployed revision still holds
// the previous one, which the inventory no longer has. Which keys are
// sensitive is as the stage's inventory says; without one it returns nil.
func (s *Stage) releaseSecrets(rel *release.Release) []string {
	doc := s.opts.Inventory
	if rel == nil || rel.Config == nil || doc == nil {
		return nil
	}
	var out []string
	for path, key := range s.rel.InventoryValues {
		if !sensitiveKey(doc, key) {
			continue
		}
		if v, ok := valueAt(rel.Config, splitPath(path)); ok {
			out = append(out, leaves(v)...)
		}
	}
	return out
}

// sensitiveKey reports whether an inventory key lies under a sensitive
// top-level key.
func sensitiveKey(doc *inventory.Document, key string) bool {
	for _, k := range doc.Sensitive {
		if key == k || strings.HasPrefix(key, k+".") {
			return true
		}
	}
	return false
}

// valueAt returns the value at path in nested maps.
func valueAt(m map[string]any, path []string) (any, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}
