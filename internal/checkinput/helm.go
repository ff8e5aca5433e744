package checkinput

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Helm builds the Input of a Helm release from its rendered manifest (the
// release's manifest and hooks, YAML documents separated by --- lines, as
// the Helm stage renders them). The document is
//
//	{"objects": [<each object>], "tierdeploy": {..., "release": <rel>}}
//
// with the values of every Secret's data and stringData replaced by Marker
// (the keys are kept). A manifest of more than MaxSize bytes, or a document
// that is not a YAML object, is an *InvalidError.
func Helm(manifest string, rel Release, st Stage) (Input, error) {
	objs, err := parseManifest(manifest)
	if err != nil {
		return Input{}, err
	}
	m := newMasker(st.Secrets, inventorySecrets(st))
	for _, o := range objs {
		maskSecret(o, m)
	}
	md := meta(plan.Helm, st)
	md["release"] = releaseDoc(rel)
	list := make([]any, len(objs))
	for i, o := range objs {
		list[i] = o
	}
	masked, secrets := m.everywhere(map[string]any{"objects": list, Key: md})
	doc := masked.(map[string]any)

	var b bytes.Buffer
	for i, o := range doc["objects"].([]any) {
		y, err := yaml.Marshal(o)
		if err != nil {
			return Input{}, &InvalidError{What: "rendered manifest", Doc: i + 1, Err: err}
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return Input{Stack: st.Stack, Kind: plan.Helm, Name: st.Name, Secrets: secrets, doc: doc, manifests: b.Bytes()}, nil
}

// parseManifest returns the objects of a manifest, skipping empty
// documents; errors count the documents that are not blank.
func parseManifest(manifest string) ([]map[string]any, error) {
	if len(manifest) > MaxSize {
		return nil, &InvalidError{What: "rendered manifest", Err: fmt.Errorf("%d bytes, more than the %d allowed", len(manifest), MaxSize)}
	}
	var out []map[string]any
	i := -1
	for _, doc := range splitDocuments(manifest) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		i++
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return nil, &InvalidError{What: "rendered manifest", Doc: i + 1, Err: err}
		}
		if string(js) == "null" {
			continue // comments only
		}
		obj, err := decodeObject(js)
		if err != nil {
			return nil, &InvalidError{What: "rendered manifest", Doc: i + 1, Err: errors.New("not a Kubernetes object (a YAML mapping)")}
		}
		out = append(out, obj)
	}
	return out, nil
}

// splitDocuments splits a YAML stream at its document markers: lines that
// are --- alone or followed by a space and the start of the next document.
func splitDocuments(s string) []string {
	var docs []string
	var cur strings.Builder
	for line := range strings.Lines(s) {
		trimmed := strings.TrimRight(line, "\r\n")
		if trimmed == "---" || strings.HasPrefix(trimmed, "--- ") || strings.HasPrefix(trimmed, "---\t") {
			docs = append(docs, cur.String())
			cur.Reset()
			cur.WriteString(strings.TrimLeft(strings.TrimPrefix(line, "---"), " \t"))
			continue
		}
		cur.WriteString(line)
	}
	return append(docs, cur.String())
}

// maskSecret replaces the values of a Secret's data and stringData by
// Marker and records them, data also decoded from base64.
func maskSecret(o map[string]any, m *masker) {
	if o["kind"] != "Secret" {
		return
	}
	for _, field := range []string{"data", "stringData"} {
		v, ok := o[field]
		if !ok || v == nil {
			continue
		}
		fm, ok := v.(map[string]any)
		if !ok {
			o[field] = m.whole(v)
			continue
		}
		for k, val := range fm {
			if s, ok := val.(string); ok && field == "data" {
				if clear, err := base64.StdEncoding.DecodeString(s); err == nil {
					m.secrets[string(clear)] = true
				}
			}
			fm[k] = m.whole(val)
		}
	}
}

func releaseDoc(r Release) map[string]any {
	iv := map[string]any{}
	for k, v := range r.InventoryValues {
		iv[k] = v
	}
	return map[string]any{
		"name": r.Name, "namespace": r.Namespace, "chart": r.Chart, "repo": r.Repo,
		"version": r.Version, "values": toAny(r.Values), "inventory_values": iv,
	}
}
