package terraform

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// The fingerprint of a plan (plan.Fingerprint over these lines) identifies
// the change it proposes, so that an apply can check that it applies the
// change that was reviewed. Two plans of the same change get the same
// fingerprint, whatever their order and whatever was refreshed:
//
//   - a resource change gives a line with its address, action, previous
//     address, import ID and deposed key, and one line per attribute value
//     that the change sets: for a create, every known value; for an update
//     or a replacement, the values that differ from the prior state, so that
//     attributes a refresh changed but the plan leaves alone do not count;
//     a delete or forget gives no values;
//   - a value Terraform will know only after apply is a fixed token, so
//     unknown values (random IDs, computed attributes) compare equal;
//   - a sensitive value is replaced by a hash of it: a different secret is a
//     different change, but the lines never hold the secret;
//   - an output change gives its name, action and new value, likewise;
//   - data source reads, no-ops and the drift a normal plan reports
//     (resource_drift) are left out: they change nothing.

// Tokens that stand for values in fingerprint lines. The NUL byte keeps them
// apart from any string a configuration can produce in practice.
const (
	unknownToken   = "\x00unknown"
	sensitiveToken = "\x00sensitive:"
)

// resourceLines returns the fingerprint lines of one resource change.
func resourceLines(rc *tfjson.ResourceChange, r plan.ResourceChange) []string {
	key := "resource " + r.Address
	if rc.DeposedKey != "" {
		key += " deposed " + rc.DeposedKey
	}
	head := key + " " + string(r.Action)
	if r.PreviousAddress != "" {
		head += " from " + r.PreviousAddress
	}
	if imp := rc.Change.Importing; imp != nil {
		head += " import " + strconv.Quote(imp.ID)
	}
	lines := []string{head}
	switch r.Action {
	case plan.Delete, plan.Forget:
		return lines
	}
	c := rc.Change
	before := masked(c.Before, nil, c.BeforeSensitive)
	after := masked(c.After, c.AfterUnknown, c.AfterSensitive)
	changedLeaves("", before, after, func(path string, v any) {
		lines = append(lines, key+" "+path+" = "+canonical(v))
	})
	return lines
}

// outputLine returns the fingerprint line of one output change.
func outputLine(name string, c *tfjson.Change, a plan.Action) string {
	line := "output " + name + " " + string(a)
	if a == plan.Delete {
		return line
	}
	return line + " = " + canonical(masked(c.After, c.AfterUnknown, c.AfterSensitive))
}

// masked returns a copy of the value v in which the leaves that the marks
// tree unknown marks are unknownToken and those that sensitive marks are a
// hash of their value.
func masked(v, unknown, sensitive any) any {
	if isTrue(unknown) {
		return unknownToken
	}
	if isTrue(sensitive) {
		return sensitiveToken + hashOf(v)
	}
	switch t := v.(type) {
	case map[string]any:
		um, _ := unknown.(map[string]any)
		sm, _ := sensitive.(map[string]any)
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = masked(e, um[k], sm[k])
		}
		// An attribute that is wholly unknown is absent from the value.
		for k, u := range um {
			if _, ok := t[k]; !ok && isTrue(u) {
				out[k] = unknownToken
			}
		}
		return out
	case []any:
		ua, _ := unknown.([]any)
		sa, _ := sensitive.([]any)
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = masked(e, at(ua, i), at(sa, i))
		}
		return out
	}
	if v == nil {
		if um, ok := unknown.(map[string]any); ok {
			// A null object whose attributes are marked unknown.
			return masked(map[string]any{}, um, sensitive)
		}
	}
	return v
}

func at(s []any, i int) any {
	if i < len(s) {
		return s[i]
	}
	return nil
}

// changedLeaves calls emit with each leaf of after that differs from the
// same leaf of before. Lists of different lengths are one leaf.
func changedLeaves(path string, before, after any, emit func(path string, v any)) {
	switch a := after.(type) {
	case map[string]any:
		b, _ := before.(map[string]any)
		for _, k := range sortedKeys(union(a, b)) {
			av, inAfter := a[k]
			if !inAfter {
				emit(path+attr(k), nil)
				continue
			}
			changedLeaves(path+attr(k), b[k], av, emit)
		}
		return
	case []any:
		if b, ok := before.([]any); ok && len(b) == len(a) {
			for i := range a {
				changedLeaves(path+"["+strconv.Itoa(i)+"]", b[i], a[i], emit)
			}
			return
		}
	}
	if canonical(before) != canonical(after) {
		emit(path, after)
	}
}

func union(a, b map[string]any) map[string]any {
	u := make(map[string]any, len(a)+len(b))
	for k := range b {
		u[k] = nil
	}
	for k := range a {
		u[k] = nil
	}
	return u
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// attr returns the path step to the attribute or map key k.
func attr(k string) string {
	if identifier.MatchString(k) {
		return "." + k
	}
	return "[" + strconv.Quote(k) + "]"
}

// canonical returns v as JSON with sorted object keys.
func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return strings.ToValidUTF8(err.Error(), "?")
	}
	return string(b)
}

// hashOf returns a short hash of v's canonical JSON.
func hashOf(v any) string {
	sum := sha256.Sum256([]byte(canonical(v)))
	return hex.EncodeToString(sum[:8])
}
