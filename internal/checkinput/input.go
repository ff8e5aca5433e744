package checkinput

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Marker replaces every sensitive value in an Input. It is the inventory's
// mask text, so a policy recognizes a masked value by one word.
const Marker = inventory.MaskText

// MaxSize is the largest plan JSON or manifest read, in bytes.
const MaxSize = 256 << 20

// Key is the key of the document that holds what tierdeploy adds to the plan
// or the objects: input.tierdeploy in Rego.
const Key = "tierdeploy"

// Stage is what the flow knows of the stage being checked, beyond the plan
// or the rendered objects.
type Stage struct {
	Stack plan.Stack
	// Name is the stage's name: the Terraform directory or the release.
	Name string
	// Command is "plan" or "apply": the same checks run on the fresh plan
	// of an apply.
	Command string
	// Reasons say why the stack was selected (changed paths, needs).
	Reasons []string
	// Labels are the pull or merge request's labels (for an apply, those
	// of the merged one), for rules that an approval label lifts.
	Labels []string
	// Inventory is the inventory the stage is planned against (current or
	// predicted); its sensitive values are masked. Nil means none.
	Inventory *inventory.Document
	// InventoryChange is the change the infrastructure plan predicts; nil
	// means none was predicted.
	InventoryChange *inventory.Change
	// Secrets are more values to mask wherever they appear, such as the
	// stage's plan.Result.Secrets.
	Secrets []string
}

// Release is the configuration of a Helm release, as policies see it.
type Release struct {
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace"`
	Chart           string            `json:"chart"`
	Repo            string            `json:"repo,omitempty"`
	Version         string            `json:"version,omitempty"`
	Values          []string          `json:"values"`
	InventoryValues map[string]string `json:"inventory_values"`
}

// Input is what policies and checkers see of one stage. It is read-only
// once built and safe to share between goroutines.
type Input struct {
	Stack plan.Stack
	Kind  plan.Kind
	Name  string
	// Secrets are every value that was masked (without duplicates): the
	// caller masks them in whatever it shows of the checks' results.
	Secrets []string

	doc map[string]any
	// planJSON is the masked plan of a Terraform stage, encoded on first
	// use.
	planJSON  *lazyJSON
	manifests []byte
}

// lazyJSON encodes a value once, when first asked.
type lazyJSON struct {
	once sync.Once
	v    any
	b    []byte
}

func (l *lazyJSON) get() []byte {
	if l == nil {
		return nil
	}
	l.once.Do(func() {
		b, err := marshal(l.v)
		if err != nil {
			b = []byte("null") // decoded JSON always encodes
		}
		l.b = b
	})
	return l.b
}

// Document returns the policies' input document: decoded JSON (objects
// are map[string]any, numbers json.Number). Callers must not change it.
func (in Input) Document() map[string]any { return in.doc }

// JSON returns the input document as JSON.
func (in Input) JSON() ([]byte, error) { return marshal(in.doc) }

// PlanJSON returns the masked plan JSON of a Terraform stage; nil for a
// Helm release. It is encoded on first use (checkers need it; policies do
// not).
func (in Input) PlanJSON() []byte { return in.planJSON.get() }

// Manifests returns the masked rendered objects of a Helm release as a
// YAML stream; nil for a Terraform stage.
func (in Input) Manifests() []byte { return in.manifests }

// meta builds input.tierdeploy.
func meta(kind plan.Kind, st Stage) map[string]any {
	out := map[string]any{
		"kind":        string(kind),
		"stage":       st.Name,
		"tier":        st.Stack.Tier,
		"environment": st.Stack.Environment,
		"command":     st.Command,
		"reasons":     toAny(st.Reasons),
		"labels":      toAny(st.Labels),
		"marker":      Marker,
	}
	if d := st.Inventory; d != nil {
		values := map[string]any{}
		for k, v := range inventory.Mask(d).Values {
			values[k] = decodeRaw(v)
		}
		out["inventory"] = map[string]any{"commit": d.Commit, "values": values}
	}
	if c := st.InventoryChange; c != nil {
		out["inventory_change"] = changeDoc(c.Masked())
	}
	return out
}

// inventorySecrets returns the leaves of the sensitive values of the
// inventory and its change, before masking.
func inventorySecrets(st Stage) []string {
	set := map[string]bool{}
	if d := st.Inventory; d != nil {
		for k, v := range d.Values {
			if d.IsSensitive(k) {
				addLeaves(set, decodeRaw(v))
			}
		}
	}
	if c := st.InventoryChange; c != nil {
		for _, es := range [][]inventory.Entry{c.Added, c.Removed, c.Changed, c.KnownAfterApply} {
			for _, e := range es {
				if e.Sensitive {
					addLeaves(set, decodeRaw(e.Before))
					addLeaves(set, decodeRaw(e.After))
				}
			}
		}
	}
	return keys(set)
}

func changeDoc(c inventory.Change) map[string]any {
	list := func(es []inventory.Entry) []any {
		out := make([]any, 0, len(es))
		for _, e := range es {
			m := map[string]any{"key": e.Key, "sensitive": e.Sensitive}
			if e.Before != nil {
				m["before"] = decodeRaw(e.Before)
			}
			if e.After != nil {
				m["after"] = decodeRaw(e.After)
			}
			out = append(out, m)
		}
		return out
	}
	return map[string]any{
		"added":             list(c.Added),
		"removed":           list(c.Removed),
		"changed":           list(c.Changed),
		"known_after_apply": list(c.KnownAfterApply),
	}
}

// decodeRaw decodes a JSON value with numbers as json.Number; invalid JSON
// becomes nil.
func decodeRaw(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for s := range set {
		if s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// marshal encodes v as JSON without HTML escaping, keys sorted.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
