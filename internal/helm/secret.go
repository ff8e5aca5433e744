package helm

import (
	"encoding/base64"
	"fmt"
	"maps"
)

// secretFields are the fields of a Kubernetes Secret that hold its values.
var secretFields = []string{"data", "stringData"}

// isSecret reports whether an object is a core Secret, whose values a diff
// never shows.
func isSecret(o *object) bool {
	return o != nil && o.kind == "Secret" && o.apiVersion == "v1"
}

// secretValues returns the clear values of a Secret by key: data decoded
// from base64, with stringData over it as the API server merges them.
func secretValues(body map[string]any) map[string]string {
	out := map[string]string{}
	if data, ok := body["data"].(map[string]any); ok {
		for k, v := range data {
			s := fmt.Sprint(v)
			if b, err := base64.StdEncoding.DecodeString(s); err == nil {
				s = string(b)
			}
			out[k] = s
		}
	}
	if sd, ok := body["stringData"].(map[string]any); ok {
		for k, v := range sd {
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// maskSecretPair returns copies of two revisions of a Secret (either may
// be nil) in which every value under data and stringData is replaced by its
// size, and each key of b whose value differs from a's is marked
// "changed". So a diff of the two shows which keys were added, removed or
// changed, and nothing of the values. values are the clear values of both,
// for masking elsewhere.
func maskSecretPair(a, b map[string]any) (ma, mb map[string]any, values []string) {
	va, vb := secretValues(a), secretValues(b)
	for _, v := range va {
		values = append(values, v)
	}
	for k, v := range vb {
		if va[k] != v {
			values = append(values, v)
		}
	}
	mask := func(body map[string]any, own, other map[string]string, mark bool) map[string]any {
		if body == nil {
			return nil
		}
		out := maps.Clone(body)
		for _, f := range secretFields {
			fm, ok := body[f].(map[string]any)
			if !ok {
				continue
			}
			m := make(map[string]any, len(fm))
			for k := range fm {
				v := own[k]
				old, had := other[k]
				if mark && had && old != v {
					m[k] = fmt.Sprintf("(secret: %d bytes, changed)", len(v))
				} else {
					m[k] = fmt.Sprintf("(secret: %d bytes)", len(v))
				}
			}
			out[f] = m
		}
		return out
	}
	return mask(a, va, vb, false), mask(b, vb, va, true), values
}
