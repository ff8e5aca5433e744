package terraform

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// facts is what the stage learns from the JSON of a saved plan.
type facts struct {
	counts    plan.Counts
	resources []plan.ResourceChange
	outputs   []plan.OutputChange
	// lines describe the change for the fingerprint (see fingerprint.go).
	lines   []string
	secrets []string
	// drifted counts the drifted resources of a refresh-only plan;
	// unmanaged counts those whose refresh changed only what their
	// configuration does not set (see drift.go), which are left out.
	drifted, unmanaged int
}

// readPlan reads the JSON of a saved plan (show -json) with fingerprints
// that have no key and know no secrets but those the plan marks.
func readPlan(data []byte, refreshOnly bool) (facts, error) {
	return fingerprinter{}.read(data, refreshOnly)
}

// read reads the JSON of a saved plan (show -json). For a refresh-only plan
// the changes are the drift (resource_drift) of what the configuration sets
// (see drift.go): they are listed but not counted, since applying such a
// plan changes no real object.
func (fp fingerprinter) read(data []byte, refreshOnly bool) (facts, error) {
	p := &tfjson.Plan{}
	p.UseJSONNumber(true)
	if err := json.Unmarshal(data, p); err != nil {
		return facts{}, fmt.Errorf("read plan JSON: %w", err)
	}
	var f facts
	changes := p.ResourceChanges
	var cfg configIndex
	if refreshOnly {
		changes = p.ResourceDrift
		cfg = indexConfig(p.Config)
	}
	for _, rc := range changes {
		r, ok := resourceChange(rc)
		if !ok {
			continue
		}
		if refreshOnly && !driftMatters(rc, cfg.lookup(rc)) {
			f.unmanaged++
			continue
		}
		f.resources = append(f.resources, r)
		f.lines = append(f.lines, fp.resourceLines(rc, r)...)
		if !refreshOnly {
			f.counts = f.counts.Plus(count(r))
		}
	}
	if refreshOnly {
		f.drifted = len(f.resources)
	}
	plan.SortResources(f.resources)
	f.outputs = outputChanges(p.OutputChanges)
	for _, o := range f.outputs {
		f.lines = append(f.lines, fp.outputLine(o.Name, p.OutputChanges[o.Name], o.Action))
	}
	f.secrets = collectSecrets(p)
	return f, nil
}

// driftNotes says how many resources drifted, and how many changed only in
// what their configuration does not set.
func (f facts) driftNotes() []string {
	notes := []string{fmt.Sprintf("refresh-only: %d drifted", f.drifted)}
	if f.unmanaged > 0 {
		notes = append(notes, fmt.Sprintf("refresh-only: %d more changed only in values their configuration does not set (not drift)", f.unmanaged))
	}
	return notes
}

// resourceChange returns the change of one resource as the report lists
// it; ok is false for what changes nothing: data sources (reading one
// changes no object) and no-ops that neither move nor import.
func resourceChange(rc *tfjson.ResourceChange) (r plan.ResourceChange, ok bool) {
	if rc == nil || rc.Change == nil || rc.Mode == tfjson.DataResourceMode {
		return r, false
	}
	r = plan.ResourceChange{
		Address:  rc.Address,
		Action:   action(rc.Change.Actions),
		Imported: rc.Change.Importing != nil,
		Reason:   strings.ReplaceAll(string(rc.ActionReason), "_", " "),
	}
	if rc.PreviousAddress != "" && rc.PreviousAddress != rc.Address {
		r.PreviousAddress = rc.PreviousAddress
	}
	if rc.DeposedKey != "" {
		r.Reason = strings.TrimSpace("deposed object " + rc.DeposedKey + " " + r.Reason)
	}
	if (r.Action == plan.NoOp || r.Action == plan.Read) && r.PreviousAddress == "" && !r.Imported {
		return r, false
	}
	return r, true
}

// count returns what one change adds to the counts: a replacement counts as
// a replacement only; an import or a move counts besides the action.
func count(r plan.ResourceChange) plan.Counts {
	var c plan.Counts
	switch r.Action {
	case plan.Create:
		c.Add = 1
	case plan.Update:
		c.Change = 1
	case plan.Delete:
		c.Destroy = 1
	case plan.Replace:
		c.Replace = 1
	case plan.Forget:
		c.Forget = 1
	}
	if r.Imported {
		c.Import = 1
	}
	if r.PreviousAddress != "" {
		c.Move = 1
	}
	return c
}

// action maps Terraform's list of actions to one action.
func action(as tfjson.Actions) plan.Action {
	switch {
	case as.Replace():
		return plan.Replace
	case len(as) == 1:
		return plan.Action(as[0])
	case len(as) == 0:
		return plan.NoOp
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = string(a)
	}
	return plan.Action(strings.Join(parts, "-"))
}

// outputChanges returns the outputs that change, sorted by name. Sensitive
// values (wholly or in part) are replaced by SensitiveValue, so that they
// are nowhere but in the secrets.
func outputChanges(changes map[string]*tfjson.Change) []plan.OutputChange {
	var out []plan.OutputChange
	for _, name := range sortedKeys(changes) {
		c := changes[name]
		if c == nil {
			continue
		}
		a := action(c.Actions)
		if a == plan.NoOp || a == plan.Read {
			continue
		}
		out = append(out, plan.OutputChange{
			Name:         name,
			Action:       a,
			Before:       rawJSON(hideSensitive(c.Before, c.BeforeSensitive)),
			After:        rawJSON(hideSensitive(c.After, c.AfterSensitive)),
			AfterUnknown: anyTrue(c.AfterUnknown),
			Sensitive:    anyTrue(c.BeforeSensitive) || anyTrue(c.AfterSensitive),
		})
	}
	return out
}

// SensitiveValue stands for a sensitive value in output changes, as in
// Terraform's own text.
const SensitiveValue = "(sensitive value)"

// hideSensitive returns a copy of v in which the leaves that marks marks
// are SensitiveValue.
func hideSensitive(v, marks any) any {
	if isTrue(marks) {
		if v == nil {
			return nil
		}
		return SensitiveValue
	}
	switch t := v.(type) {
	case map[string]any:
		m, _ := marks.(map[string]any)
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = hideSensitive(e, m[k])
		}
		return out
	case []any:
		m, _ := marks.([]any)
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = hideSensitive(e, at(m, i))
		}
		return out
	}
	return v
}

// rawJSON returns v as JSON, or nil for null.
func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// anyTrue reports whether a marks tree (after_unknown, *_sensitive) marks
// anything: it is true, or holds true somewhere.
func anyTrue(marks any) bool {
	switch m := marks.(type) {
	case bool:
		return m
	case map[string]any:
		for _, v := range m {
			if anyTrue(v) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(m, anyTrue)
	}
	return false
}

// isTrue reports whether a mark is the boolean true.
func isTrue(mark any) bool {
	b, ok := mark.(bool)
	return ok && b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
