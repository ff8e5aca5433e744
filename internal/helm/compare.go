package helm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"k8s.io/apimachinery/pkg/api/resource"
)

// ignoreFunc reports whether a field, by its path, is left out of a drift
// comparison.
type ignoreFunc func(path []string) bool

// driftIgnore returns the fields a drift check does not compare: the
// object's identity and every metadata field but labels and annotations,
// status (written by controllers), and spec.replicas when a
// HorizontalPodAutoscaler owns it.
func driftIgnore(autoscaled bool) ignoreFunc {
	return func(p []string) bool {
		switch {
		case len(p) == 1:
			return p[0] == "apiVersion" || p[0] == "kind" || p[0] == "status"
		case len(p) == 2 && p[0] == "metadata":
			return p[1] != "labels" && p[1] != "annotations"
		case len(p) == 2 && p[0] == "spec" && p[1] == "replicas":
			return autoscaled
		}
		return false
	}
}

// project returns want, the object as the chart set it, with every field
// that is set differently on the live object replaced by the live value
// and every field missing live removed; changed says whether there was any
// such field. Fields that live has and want has not are not looked at:
// the API server and controllers add them. Lists of objects that all have
// a name are matched by name, other lists by position.
func project(want, live any, path []string, ignore ignoreFunc) (out any, changed bool) {
	switch w := want.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return live, true
		}
		out := make(map[string]any, len(w))
		for k, wv := range w {
			p := append(path[:len(path):len(path)], k)
			if ignore(p) {
				out[k] = wv
				continue
			}
			lv, ok := l[k]
			if !ok {
				if isZero(wv) {
					out[k] = wv
				} else {
					changed = true
				}
				continue
			}
			v, c := project(wv, lv, p, ignore)
			out[k] = v
			changed = changed || c
		}
		return out, changed
	case []any:
		l, ok := live.([]any)
		if !ok {
			if live == nil && len(w) == 0 {
				return want, false
			}
			return live, true
		}
		return projectList(w, l, path, ignore)
	default:
		if sameScalar(want, live) {
			return want, false
		}
		return live, true
	}
}

func projectList(w, l []any, path []string, ignore ignoreFunc) ([]any, bool) {
	if names, ok := listNames(w); ok {
		byName := map[string]any{}
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				if n, ok := m["name"].(string); ok {
					byName[n] = e
				}
			}
		}
		out := make([]any, 0, len(w))
		changed := false
		for i, e := range w {
			le, ok := byName[names[i]]
			if !ok {
				changed = true
				continue
			}
			v, c := project(e, le, append(path[:len(path):len(path)], "["+names[i]+"]"), ignore)
			out = append(out, v)
			changed = changed || c
		}
		return out, changed
	}
	if len(w) != len(l) {
		return l, true
	}
	out := make([]any, len(w))
	changed := false
	for i := range w {
		v, c := project(w[i], l[i], append(path[:len(path):len(path)], strconv.Itoa(i)), ignore)
		out[i] = v
		changed = changed || c
	}
	return out, changed
}

// listNames returns the names of a non-empty list of objects that all have
// a distinct name, such as containers, env or ports.
func listNames(w []any) ([]string, bool) {
	if len(w) == 0 {
		return nil, false
	}
	names := make([]string, len(w))
	seen := map[string]bool{}
	for i, e := range w {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		n, ok := m["name"].(string)
		if !ok || n == "" || seen[n] {
			return nil, false
		}
		seen[n] = true
		names[i] = n
	}
	return names, true
}

// isZero reports whether a value the chart sets is one the API server
// leaves out when it stores the object (empty, false, zero or null).
func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case bool:
		return !t
	case json.Number:
		f, err := t.Float64()
		return err == nil && f == 0
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

// sameScalar compares a manifest value (numbers as json.Number) with a
// live one (int64 or float64): numbers by value, and strings or numbers
// that are resource quantities by quantity ("0.5" and "500m" are equal).
func sameScalar(want, live any) bool {
	if want == nil {
		return isZero(live)
	}
	wb, wBool := want.(bool)
	lb, lBool := live.(bool)
	if wBool || lBool {
		return wBool && lBool && wb == lb
	}
	ws, wNum := scalarText(want)
	ls, lNum := scalarText(live)
	if ws == ls {
		return true
	}
	if wNum && lNum {
		wf, err1 := strconv.ParseFloat(ws, 64)
		lf, err2 := strconv.ParseFloat(ls, 64)
		return err1 == nil && err2 == nil && (wf == lf || math.Abs(wf-lf) <= 1e-9*math.Max(math.Abs(wf), math.Abs(lf)))
	}
	wq, err1 := resource.ParseQuantity(ws)
	lq, err2 := resource.ParseQuantity(ls)
	return err1 == nil && err2 == nil && wq.Cmp(lq) == 0
}

// scalarText returns a scalar as text and whether it is a number.
func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case json.Number:
		return t.String(), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case int:
		return strconv.Itoa(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case string:
		return t, false
	case bool:
		return strconv.FormatBool(t), false
	case nil:
		return "", false
	}
	return fmt.Sprint(v), false
}

// secretAsStored returns a Secret as the API server stores it: stringData
// merged into data, base64-encoded.
func secretAsStored(body map[string]any) map[string]any {
	sd, ok := body["stringData"].(map[string]any)
	if !ok {
		return body
	}
	out := make(map[string]any, len(body))
	for k, v := range body {
		if k != "stringData" {
			out[k] = v
		}
	}
	data := map[string]any{}
	if d, ok := body["data"].(map[string]any); ok {
		for k, v := range d {
			data[k] = v
		}
	}
	for k, v := range sd {
		data[k] = base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(v)))
	}
	out["data"] = data
	return out
}
