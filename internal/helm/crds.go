package helm

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chart "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/kube"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"sigs.k8s.io/yaml"
)

// crdReason is the Reason of a CRD from the chart's crds/ in a plan.
const crdReason = "CRD from the chart's crds/: created before the other objects, on first install only"

// chartCRDs is what a chart's crds/ directories (its own and its
// subcharts') hold.
type chartCRDs struct {
	// objects are the documents of crds/, for the diff of a first
	// install.
	objects []object
	// kinds are the kinds the CustomResourceDefinitions define.
	kinds []crdKind
}

// crdKind is one kind a CustomResourceDefinition defines.
type crdKind struct {
	group, kind string
	// versions are the served versions.
	versions   []string
	namespaced bool
}

// apiVersions returns the kind's group/version strings.
func (k crdKind) apiVersions() []string {
	out := make([]string, len(k.versions))
	for i, v := range k.versions {
		out[i] = k.group + "/" + v
	}
	return out
}

// name returns "Kind.group".
func (k crdKind) name() string { return k.kind + "." + k.group }

// readCRDs parses the crds/ files of a chart whose dependencies are
// processed (disabled subcharts left out), as Helm installs them.
func readCRDs(ch *chart.Chart) (chartCRDs, error) {
	var out chartCRDs
	// The documents of crds/ are cluster-scoped CRDs, or left as written.
	clusterScoped := func(string, string) (bool, bool) { return false, true }
	for _, f := range ch.CRDObjects() {
		if f.File == nil {
			continue
		}
		docs := releaseutil.SplitManifests(string(f.File.Data))
		keys := make([]string, 0, len(docs))
		for k := range docs {
			keys = append(keys, k)
		}
		sort.Sort(releaseutil.BySplitManifestsOrder(keys))
		for _, k := range keys {
			o, ok, err := parseObject(docs[k], "", clusterScoped)
			if err != nil {
				return chartCRDs{}, fmt.Errorf("%s: %w", f.Filename, err)
			}
			if !ok {
				continue
			}
			o.raw = docs[k]
			out.objects = append(out.objects, o)
			if kind, ok := crdKindOf(o); ok {
				out.kinds = append(out.kinds, kind)
			}
		}
	}
	sort.Slice(out.objects, func(i, j int) bool { return out.objects[i].address < out.objects[j].address })
	return out, nil
}

// crdKindOf reads the kind a CustomResourceDefinition defines.
func crdKindOf(o object) (crdKind, bool) {
	if o.kind != "CustomResourceDefinition" || !strings.HasPrefix(o.apiVersion, "apiextensions.k8s.io/") {
		return crdKind{}, false
	}
	spec, _ := o.body["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	k := crdKind{}
	k.group, _ = spec["group"].(string)
	k.kind, _ = names["kind"].(string)
	scope, _ := spec["scope"].(string)
	k.namespaced = scope != "Cluster"
	versions, _ := spec["versions"].([]any)
	for _, v := range versions {
		vm, _ := v.(map[string]any)
		name, _ := vm["name"].(string)
		if served, ok := vm["served"].(bool); name != "" && (!ok || served) {
			k.versions = append(k.versions, name)
		}
	}
	if v, ok := spec["version"].(string); ok && v != "" && len(k.versions) == 0 {
		k.versions = []string{v}
	}
	return k, k.group != "" && k.kind != "" && len(k.versions) > 0
}

// unknownTo returns the kinds that scope (the API server's discovery)
// does not know yet; nil scope (no server) knows none.
func (c chartCRDs) unknownTo(scope scopeFunc) []crdKind {
	var out []crdKind
	for _, k := range c.kinds {
		known := false
		if scope != nil {
			for _, av := range k.apiVersions() {
				if _, ok := scope(av, k.kind); ok {
					known = true
					break
				}
			}
		}
		if !known {
			out = append(out, k)
		}
	}
	return out
}

// scopeWith answers for the kinds of crds first, then asks next.
func scopeWith(kinds []crdKind, next scopeFunc) scopeFunc {
	if len(kinds) == 0 {
		return next
	}
	return func(apiVersion, kind string) (bool, bool) {
		for _, k := range kinds {
			if k.kind != kind {
				continue
			}
			for _, av := range k.apiVersions() {
				if av == apiVersion {
					return k.namespaced, true
				}
			}
		}
		if next == nil {
			return false, false
		}
		return next(apiVersion, kind)
	}
}

// pendingKube is the kube client of a server-side dry run of a first
// install whose chart defines kinds the API server does not know yet: it
// leaves the objects of those kinds out of what it builds (building them
// needs the API server to know their kind), so that the rest of the dry
// run goes on; it records their addresses for the plan's note. The real
// install creates the CRDs first and builds everything.
type pendingKube struct {
	kube.Interface
	kinds []crdKind
	// ns is the release namespace, of namespaced objects that name none.
	ns string
	// left are the addresses of the objects left out.
	left []string
}

// Build builds the objects of the manifest except those of pending kinds.
func (p *pendingKube) Build(r io.Reader, validate bool) (kube.ResourceList, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	docs := releaseutil.SplitManifests(string(data))
	keys := make([]string, 0, len(docs))
	for k := range docs {
		keys = append(keys, k)
	}
	sort.Sort(releaseutil.BySplitManifestsOrder(keys))
	var kept bytes.Buffer
	for _, k := range keys {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(docs[k]), &head); err == nil && p.pending(head.APIVersion, head.Kind) {
			ns := head.Metadata.Namespace
			if ns == "" && p.namespaced(head.Kind) {
				ns = p.ns
			}
			addr := head.Kind + "/" + head.Metadata.Name
			if ns != "" {
				addr = head.Kind + "/" + ns + "/" + head.Metadata.Name
			}
			p.left = append(p.left, addr)
			continue
		}
		kept.WriteString("---\n")
		kept.WriteString(docs[k])
		kept.WriteString("\n")
	}
	return p.Interface.Build(&kept, validate)
}

// GetWaiterWithOptions passes the call on, as the client it wraps would
// answer it.
func (p *pendingKube) GetWaiterWithOptions(ws kube.WaitStrategy, opts ...kube.WaitOption) (kube.Waiter, error) {
	if w, ok := p.Interface.(kube.InterfaceWaitOptions); ok {
		return w.GetWaiterWithOptions(ws, opts...)
	}
	return p.Interface.GetWaiter(ws)
}

func (p *pendingKube) namespaced(kind string) bool {
	for _, k := range p.kinds {
		if k.kind == kind {
			return k.namespaced
		}
	}
	return true
}

func (p *pendingKube) pending(apiVersion, kind string) bool {
	for _, k := range p.kinds {
		if k.kind != kind {
			continue
		}
		for _, av := range k.apiVersions() {
			if av == apiVersion {
				return true
			}
		}
	}
	return false
}

// withPendingKinds prepares cfg for a dry run of a first install whose
// chart defines kinds the server does not know: a kube client that leaves
// their objects out, and capabilities that list their API versions, as
// they will be once the CRDs are created. restore undoes both (the
// capabilities are then read afresh by the next action).
func withPendingKinds(cfg *action.Configuration, kinds []crdKind, ns string) (p *pendingKube, restore func(), err error) {
	caps := cfg.Capabilities
	if caps == nil {
		if caps, err = serverCapabilities(cfg); err != nil {
			return nil, nil, err
		}
	}
	caps = caps.Copy()
	for _, k := range kinds {
		for _, av := range k.apiVersions() {
			caps.APIVersions = append(caps.APIVersions, av, av+"/"+k.kind)
		}
	}
	orig, origCaps := cfg.KubeClient, cfg.Capabilities
	p = &pendingKube{Interface: orig, kinds: kinds, ns: ns}
	cfg.KubeClient, cfg.Capabilities = p, caps
	return p, func() { cfg.KubeClient, cfg.Capabilities = orig, origCaps }, nil
}

// serverCapabilities reads the API server's version and API versions, as
// Helm's actions do.
func serverCapabilities(cfg *action.Configuration) (*common.Capabilities, error) {
	if cfg.RESTClientGetter == nil {
		return common.DefaultCapabilities.Copy(), nil
	}
	dc, err := cfg.RESTClientGetter.ToDiscoveryClient()
	if err != nil {
		return nil, fmt.Errorf("kubernetes discovery: %w", err)
	}
	dc.Invalidate()
	v, err := dc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("kubernetes server version: %w", err)
	}
	vs, err := action.GetVersionSet(dc)
	if err != nil && len(vs) == 0 {
		return nil, fmt.Errorf("kubernetes API versions: %w", err)
	}
	return &common.Capabilities{
		APIVersions: vs,
		KubeVersion: common.KubeVersion{Version: v.GitVersion, Major: v.Major, Minor: v.Minor},
		HelmVersion: common.DefaultCapabilities.HelmVersion,
	}, nil
}

// crdNotes says how a plan treated the chart's CRDs.
func crdNotes(crds chartCRDs, install, skipped bool, pending []crdKind, left []string) []string {
	if len(crds.objects) == 0 {
		return nil
	}
	var out []string
	switch {
	case skipped:
		out = append(out, "skip_crds: the chart's crds/ are not installed")
	case install:
		names := make([]string, len(crds.kinds))
		for i, k := range crds.kinds {
			names[i] = k.name()
		}
		out = append(out, "first install: the chart's crds/ ("+strings.Join(names, ", ")+") are created before its other objects")
	default:
		out = append(out, "the chart's crds/ are left as they are: Helm creates CRDs on first install only and never updates them")
	}
	if len(pending) > 0 && len(left) > 0 {
		names := make([]string, len(pending))
		for i, k := range pending {
			names[i] = k.name()
		}
		out = append(out, fmt.Sprintf("not checked by the API server, which does not know %s before the CRDs are created: %s",
			strings.Join(names, ", "), strings.Join(left, ", ")))
	}
	return out
}
