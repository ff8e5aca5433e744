package checkinput

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Terraform builds the Input of a Terraform stage from its plan's JSON, as
// `show -json` prints it (the stage keeps it next to the plan file). The
// document is the plan's JSON, masked, with input.tierdeploy added, so
// policies written for conftest's Terraform plans (input.resource_changes)
// work unchanged. A plan JSON that is not one JSON object of at most
// MaxSize bytes is an *InvalidError.
func Terraform(planJSON []byte, st Stage) (Input, error) {
	p, err := decodeObject(planJSON)
	if err != nil {
		return Input{}, &InvalidError{What: "plan JSON", Err: err}
	}
	m := newMasker(st.Secrets, inventorySecrets(st))
	maskPlan(p, m)
	md := meta(plan.Terraform, st)
	masked, secrets := m.everywhere(map[string]any{"plan": p, "meta": md})
	all := masked.(map[string]any)
	p, md = all["plan"].(map[string]any), all["meta"].(map[string]any)
	doc := make(map[string]any, len(p)+1)
	for k, v := range p {
		doc[k] = v
	}
	doc[Key] = md
	return Input{Stack: st.Stack, Kind: plan.Terraform, Name: st.Name, Secrets: secrets, doc: doc, planJSON: &lazyJSON{v: p}}, nil
}

// decodeObject decodes one JSON object, numbers as json.Number.
func decodeObject(data []byte) (map[string]any, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%d bytes, more than the %d allowed", len(data), MaxSize)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty")
		}
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("not a JSON object")
	}
	return obj, nil
}

// maskPlan masks what the plan marks sensitive, in place.
func maskPlan(p map[string]any, m *masker) {
	for _, key := range []string{"resource_changes", "resource_drift"} {
		for _, rc := range list(p[key]) {
			maskChange(object(object(rc)["change"]), m)
		}
	}
	for _, oc := range object(p["output_changes"]) {
		maskChange(object(oc), m)
	}
	stateValues(object(p["planned_values"]), m)
	stateValues(object(object(p["prior_state"])["values"]), m)

	root := object(object(p["configuration"])["root_module"])
	sensitive := map[string]bool{}
	for name, v := range object(root["variables"]) {
		if object(v)["sensitive"] == true {
			sensitive[name] = true
		}
	}
	configDefaults(root, m, 0)
	providerCredentials(object(object(p["configuration"])["provider_config"]), m)
	for name, v := range object(p["variables"]) {
		if vm := object(v); sensitive[name] && vm != nil {
			set(vm, "value", m.whole(vm["value"]))
		}
	}
}

// maskChange masks before and after by before_sensitive and
// after_sensitive.
func maskChange(ch map[string]any, m *masker) {
	if ch == nil {
		return
	}
	set(ch, "before", m.byMarks(ch["before"], ch["before_sensitive"]))
	set(ch, "after", m.byMarks(ch["after"], ch["after_sensitive"]))
}

// stateValues masks the sensitive outputs and the resource values that
// sensitive_values marks, in the module tree of planned_values or
// prior_state.values.
func stateValues(sv map[string]any, m *masker) {
	if sv == nil {
		return
	}
	for _, o := range object(sv["outputs"]) {
		if om := object(o); om != nil && om["sensitive"] == true {
			set(om, "value", m.whole(om["value"]))
		}
	}
	var walk func(mod map[string]any, depth int)
	walk = func(mod map[string]any, depth int) {
		if mod == nil || depth > maxDepth {
			return
		}
		for _, r := range list(mod["resources"]) {
			if rm := object(r); rm != nil {
				set(rm, "values", m.byMarks(rm["values"], rm["sensitive_values"]))
			}
		}
		for _, c := range list(mod["child_modules"]) {
			walk(object(c), depth+1)
		}
	}
	walk(object(sv["root_module"]), 0)
}

// configDefaults masks the defaults of sensitive variables in a module of
// the configuration and the modules it calls.
func configDefaults(mod map[string]any, m *masker, depth int) {
	if mod == nil || depth > maxDepth {
		return
	}
	for _, v := range object(mod["variables"]) {
		if vm := object(v); vm != nil && vm["sensitive"] == true {
			set(vm, "default", m.whole(vm["default"]))
		}
	}
	for _, c := range object(mod["module_calls"]) {
		configDefaults(object(object(c)["module"]), m, depth+1)
	}
}

// credentialRE matches the names of provider arguments that hold
// credentials. The plan does not mark them sensitive: a value written in
// the configuration appears as it is.
var credentialRE = regexp.MustCompile(`(?i)(secret|password|passwd|token|credential|private|_key$|^key$)`)

// providerCredentials masks the constant values of provider arguments that
// look like credentials (secret_key, token, password, ...).
func providerCredentials(configs map[string]any, m *masker) {
	for _, pc := range configs {
		for name, e := range object(object(pc)["expressions"]) {
			if em := object(e); em != nil && credentialRE.MatchString(name) {
				set(em, "constant_value", m.whole(em["constant_value"]))
			}
		}
	}
}

// maxDepth bounds the module nesting walked; the JSON decoder bounds the
// nesting of values.
const maxDepth = 1000

func object(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// set sets m[k] when the key is present (so that masking adds no key).
func set(m map[string]any, k string, v any) {
	if _, ok := m[k]; ok {
		m[k] = v
	}
}
