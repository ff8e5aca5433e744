package terraform

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
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
//   - a sensitive value (one the plan marks, or one of the stage's
//     Options.Secrets wherever it shows) is replaced by its token from a
//     redact.Digester: with a fingerprint key, a keyed hash, so a
//     different secret is a different change; without one, a fixed token,
//     so a secret contributes only its presence. The fingerprint is
//     public: an unkeyed hash of a weak secret would give it away to
//     anyone who tries every candidate;
//   - an output change gives its name, action and new value, likewise;
//   - data source reads, no-ops and the drift a normal plan reports
//     (resource_drift) are left out: they change nothing.

// Tokens that stand for values in fingerprint lines. The NUL byte keeps them
// apart from any string a configuration can produce in practice.
const (
	unknownToken   = "\x00unknown"
	sensitiveToken = "\x00sensitive:"
)

// fingerprinter makes fingerprint lines. The zero value has no key and
// knows no secrets but those a plan marks.
type fingerprinter struct {
	digest *redact.Digester
	// seal replaces the stage's secrets in a text; nil leaves it as is. It
	// applies to values, map keys and addresses, never to whole lines,
	// whose tokens it must not touch.
	seal func(string) string
}

// sealText returns s with the stage's secrets replaced.
func (fp fingerprinter) sealText(s string) string {
	if fp.seal == nil {
		return s
	}
	return fp.seal(s)
}

// resourceLines returns the fingerprint lines of one resource change.
func (fp fingerprinter) resourceLines(rc *tfjson.ResourceChange, r plan.ResourceChange) []string {
	key := "resource " + fp.sealText(r.Address)
	if rc.DeposedKey != "" {
		key += " deposed " + rc.DeposedKey
	}
	head := key + " " + string(r.Action)
	if r.PreviousAddress != "" {
		head += " from " + fp.sealText(r.PreviousAddress)
	}
	if imp := rc.Change.Importing; imp != nil {
		head += " import " + strconv.Quote(fp.sealText(imp.ID))
	}
	lines := []string{head}
	switch r.Action {
	case plan.Delete, plan.Forget:
		return lines
	}
	c := rc.Change
	before := fp.masked(c.Before, nil, c.BeforeSensitive)
	after := fp.masked(c.After, c.AfterUnknown, c.AfterSensitive)
	changedLeaves("", before, after, func(path string, v any) {
		lines = append(lines, key+" "+path+" = "+canonical(v))
	})
	return lines
}

// outputLine returns the fingerprint line of one output change.
func (fp fingerprinter) outputLine(name string, c *tfjson.Change, a plan.Action) string {
	line := "output " + name + " " + string(a)
	if a == plan.Delete {
		return line
	}
	return line + " = " + canonical(fp.masked(c.After, c.AfterUnknown, c.AfterSensitive))
}

// masked returns a copy of the value v in which the leaves that the marks
// tree unknown marks are unknownToken, those that sensitive marks are
// sensitiveToken and the digest's token for their value, and the stage's
// secrets in other strings, numbers and map keys are sealed.
func (fp fingerprinter) masked(v, unknown, sensitive any) any {
	if isTrue(unknown) {
		return unknownToken
	}
	if isTrue(sensitive) {
		return sensitiveToken + fp.digest.Token(canonical(v))
	}
	switch t := v.(type) {
	case map[string]any:
		um, _ := unknown.(map[string]any)
		sm, _ := sensitive.(map[string]any)
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fp.sealText(k)] = fp.masked(e, um[k], sm[k])
		}
		// An attribute that is wholly unknown is absent from the value.
		for k, u := range um {
			if _, ok := t[k]; !ok && isTrue(u) {
				out[fp.sealText(k)] = unknownToken
			}
		}
		return out
	case []any:
		ua, _ := unknown.([]any)
		sa, _ := sensitive.([]any)
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = fp.masked(e, at(ua, i), at(sa, i))
		}
		return out
	case string:
		return fp.sealText(t)
	case json.Number:
		if s := fp.sealText(t.String()); s != t.String() {
			return s
		}
		return t
	}
	if v == nil {
		if um, ok := unknown.(map[string]any); ok {
			// A null object whose attributes are marked unknown.
			return fp.masked(map[string]any{}, um, sensitive)
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
