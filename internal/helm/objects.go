package helm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	yamlv2 "go.yaml.in/yaml/v2"
	release "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"sigs.k8s.io/yaml"
)

// object is one Kubernetes object of a release manifest.
type object struct {
	// key identifies the object across revisions: API group, kind,
	// namespace and name (not the version, so that moving an object to a
	// newer API version is a change, not a removal and an addition).
	key string
	// address is how reports name it: kind/namespace/name, or kind/name
	// for a cluster-scoped object.
	address    string
	apiVersion string
	kind       string
	namespace  string
	name       string
	body       map[string]any
	// raw is the document as rendered: two objects with the same raw
	// text are the same.
	raw string
	// hook lists the events of a Helm hook, such as "pre-upgrade"; empty
	// for an object of the release manifest.
	hook string
}

// objectParser parses manifests into objects, parsing each distinct
// document once: most documents of two revisions of a release are equal.
type objectParser struct {
	ns    string
	scope scopeFunc
	cache map[string]object
}

func newObjectParser(ns string, scope scopeFunc) *objectParser {
	return &objectParser{ns: ns, scope: scope, cache: map[string]object{}}
}

// scopeFunc reports whether a kind is namespaced; known is false when it
// cannot tell.
type scopeFunc func(apiVersion, kind string) (namespaced, known bool)

// clusterScoped lists the built-in kinds (and a few common extension kinds)
// that have no namespace, for when no API server can say.
var clusterScoped = map[string]bool{
	"APIService": true, "CSIDriver": true, "CSINode": true, "CertificateSigningRequest": true,
	"ClusterIssuer": true, "ClusterRole": true, "ClusterRoleBinding": true, "ComponentStatus": true,
	"CustomResourceDefinition": true, "FlowSchema": true, "IngressClass": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true,
	"MutatingWebhookConfiguration": true, "Namespace": true, "Node": true, "PersistentVolume": true,
	"PriorityClass": true, "PriorityLevelConfiguration": true, "RuntimeClass": true,
	"StorageClass": true, "ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"ValidatingWebhookConfiguration": true, "VolumeAttachment": true, "DeviceClass": true,
}

// manifestObjects parses a release manifest and, when hooks is true, the
// release's hooks other than tests (an upgrade runs them; tests run only
// on request). Objects without a namespace get ns unless they are cluster
// scoped. They come back sorted by address.
func (p *objectParser) manifestObjects(manifest string, hooks []*release.Hook, withHooks bool) ([]object, error) {
	type source struct{ manifest, hook string }
	docs := []source{{manifest: manifest}}
	if withHooks {
		for _, h := range hooks {
			if h == nil || isTestHook(h) {
				continue
			}
			docs = append(docs, source{manifest: h.Manifest, hook: hookEvents(h)})
		}
	}
	var objs []object
	seen := map[string]int{}
	for _, d := range docs {
		for _, doc := range releaseutil.SplitManifests(d.manifest) {
			o, ok := p.cache[doc]
			if !ok {
				var err error
				o, ok, err = parseObject(doc, p.ns, p.scope)
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
				o.raw = doc
				p.cache[doc] = o
			}
			o.hook = d.hook
			// A key rendered twice is applied twice, the last one winning.
			if i, dup := seen[o.key]; dup {
				objs[i] = o
				continue
			}
			seen[o.key] = len(objs)
			objs = append(objs, o)
		}
	}
	sort.Slice(objs, func(i, j int) bool {
		if objs[i].address != objs[j].address {
			return objs[i].address < objs[j].address
		}
		return objs[i].key < objs[j].key
	})
	return objs, nil
}

// hookEvents returns the events a hook runs on, such as "pre-upgrade".
func hookEvents(h *release.Hook) string {
	events := make([]string, len(h.Events))
	for i, e := range h.Events {
		events[i] = e.String()
	}
	if len(events) == 0 {
		return "hook"
	}
	return strings.Join(events, ",")
}

func isTestHook(h *release.Hook) bool {
	for _, e := range h.Events {
		if e == release.HookTest {
			return true
		}
	}
	return false
}

// parseObject decodes one YAML document; ok is false for an empty one.
func parseObject(doc, ns string, scope scopeFunc) (object, bool, error) {
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		return object{}, false, fmt.Errorf("parse manifest: %w", err)
	}
	if bytes.Equal(bytes.TrimSpace(j), []byte("null")) {
		return object{}, false, nil
	}
	body, err := decodeJSON(j)
	if err != nil {
		return object{}, false, fmt.Errorf("parse manifest: %w", err)
	}
	o := object{body: body}
	o.apiVersion, _ = body["apiVersion"].(string)
	o.kind, _ = body["kind"].(string)
	meta, _ := body["metadata"].(map[string]any)
	o.name, _ = meta["name"].(string)
	o.namespace, _ = meta["namespace"].(string)
	if o.kind == "" || o.name == "" {
		return object{}, false, fmt.Errorf("parse manifest: an object without kind or metadata.name%s", source(doc))
	}
	if o.namespace == "" && namespaced(scope, o.apiVersion, o.kind) {
		o.namespace = ns
	}
	group, _, _ := strings.Cut(o.apiVersion, "/")
	if !strings.Contains(o.apiVersion, "/") {
		group = ""
	}
	o.key = group + "/" + o.kind + "/" + o.namespace + "/" + o.name
	if o.namespace == "" {
		o.address = o.kind + "/" + o.name
	} else {
		o.address = o.kind + "/" + o.namespace + "/" + o.name
	}
	return o, true, nil
}

func namespaced(scope scopeFunc, apiVersion, kind string) bool {
	if scope != nil {
		if ns, known := scope(apiVersion, kind); known {
			return ns
		}
	}
	return !clusterScoped[kind]
}

// decodeJSON decodes a JSON object keeping numbers as written.
func decodeJSON(j []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil {
		return nil, err
	}
	if body == nil {
		return nil, fmt.Errorf("a document is not an object")
	}
	return body, nil
}

// yamlText renders an object as YAML with sorted keys: the normal form the
// diff compares, so that the order and layout of the templates do not
// count as changes.
func yamlText(body map[string]any) (string, error) {
	y, err := yamlv2.Marshal(body)
	if err != nil {
		return "", err
	}
	return string(y), nil
}

// source returns " in <template>" from the "# Source:" comment Helm puts
// before each rendered document, or "".
func source(doc string) string {
	for _, l := range strings.Split(doc, "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(l), "# Source: "); ok {
			return " in " + t
		}
	}
	return ""
}
