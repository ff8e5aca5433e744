package terraform

import (
	"encoding/json"
	"slices"
	"strconv"

	tfjson "github.com/hashicorp/terraform-json"
)

// collectSecrets returns every value the plan marks sensitive, sorted and
// without duplicates: the values of resource attributes that
// before_sensitive and after_sensitive mark, in changes and drift; the
// values of sensitive outputs, in output changes, planned values and the
// prior state; the values of resources that sensitive_values marks, in
// planned values and the prior state; and the values of the root module's
// sensitive variables. A sensitive object or list contributes each of its
// strings and numbers. `show -json` prints all of them in clear text.
func collectSecrets(p *tfjson.Plan) []string {
	set := map[string]bool{}
	for _, rc := range slices.Concat(p.ResourceChanges, p.ResourceDrift) {
		if rc == nil || rc.Change == nil {
			continue
		}
		walkSensitive(set, rc.Change.Before, rc.Change.BeforeSensitive)
		walkSensitive(set, rc.Change.After, rc.Change.AfterSensitive)
	}
	for _, c := range p.OutputChanges {
		if c != nil {
			walkSensitive(set, c.Before, c.BeforeSensitive)
			walkSensitive(set, c.After, c.AfterSensitive)
		}
	}
	stateSecrets(set, p.PlannedValues)
	if p.PriorState != nil {
		stateSecrets(set, p.PriorState.Values)
	}
	if p.Config != nil && p.Config.RootModule != nil {
		for name, v := range p.Config.RootModule.Variables {
			if v == nil || !v.Sensitive {
				continue
			}
			addLeaves(set, v.Default)
			if pv := p.Variables[name]; pv != nil {
				addLeaves(set, pv.Value)
			}
		}
	}
	delete(set, "")
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// stateSecrets adds the sensitive outputs and resource attributes of a set
// of state values.
func stateSecrets(set map[string]bool, sv *tfjson.StateValues) {
	if sv == nil {
		return
	}
	for _, o := range sv.Outputs {
		if o != nil && o.Sensitive {
			addLeaves(set, o.Value)
		}
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r == nil || len(r.SensitiveValues) == 0 {
				continue
			}
			var marks any
			if json.Unmarshal(r.SensitiveValues, &marks) == nil {
				walkSensitive(set, map[string]any(r.AttributeValues), marks)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(sv.RootModule)
}

// walkSensitive adds the leaves of v that the marks tree marks.
func walkSensitive(set map[string]bool, v, marks any) {
	if isTrue(marks) {
		addLeaves(set, v)
		return
	}
	switch m := marks.(type) {
	case map[string]any:
		if vm, ok := v.(map[string]any); ok {
			for k, sub := range m {
				walkSensitive(set, vm[k], sub)
			}
		}
	case []any:
		if va, ok := v.([]any); ok {
			for i, sub := range m {
				if i < len(va) {
					walkSensitive(set, va[i], sub)
				}
			}
		}
	}
}

// addLeaves adds the strings and numbers in v. Booleans and nulls are left
// out: masking "true" would hide nothing.
func addLeaves(set map[string]bool, v any) {
	switch t := v.(type) {
	case string:
		set[t] = true
	case json.Number:
		set[t.String()] = true
	case float64:
		set[strconv.FormatFloat(t, 'f', -1, 64)] = true
	case map[string]any:
		for _, e := range t {
			addLeaves(set, e)
		}
	case []any:
		for _, e := range t {
			addLeaves(set, e)
		}
	}
}
