package helm

import (
	"context"
	"fmt"
	"sort"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// liveReader reads objects from the cluster.
type liveReader interface {
	// get returns the live object, or nil when it does not exist.
	get(ctx context.Context, apiVersion, kind, namespace, name string) (map[string]any, error)
	// scaleTargets returns the targets ("Kind/name") of the
	// HorizontalPodAutoscalers in a namespace.
	scaleTargets(ctx context.Context, namespace string) (map[string]bool, error)
}

// Drift compares the live objects of the deployed release with its
// manifest: for each field the chart sets, whether the live object has the
// same value. Fields the chart does not set are not compared (the API
// server and controllers fill them in), nor status, nor spec.replicas of a
// workload that a HorizontalPodAutoscaler scales.
//
// The Result holds: HasChanges, true when there is drift; Resources, each
// drifted object with the action update, or delete when it no longer
// exists; Counts (Change and Destroy); Diff, per drifted object a unified
// diff from the manifest (a/) to the live values (b/), with Secret values
// replaced by their sizes and values from sensitive inventory keys masked;
// Notes, the revision compared. A release that is not installed has no
// drift (a note says so). A pending release is a *PendingReleaseError and
// an unreachable cluster a *ClusterUnreachableError; a failure returns a
// Result with Err set and the same error.
func (s *Stage) Drift(ctx context.Context) (plan.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	res := s.newResult()
	s.log.InfoContext(ctx, "helm drift check started", "namespace", s.ns)
	err := s.drift(ctx, &res)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = fmt.Errorf("helm drift %s: %w", s.rel.Release, err)
		s.log.ErrorContext(ctx, "helm drift check failed", "duration", res.Duration.Round(time.Millisecond), "error", err)
		return res, res.Err
	}
	s.log.InfoContext(ctx, "helm drift check done", "duration", res.Duration.Round(time.Millisecond),
		"drift", res.HasChanges, "changed", res.Counts.Change, "missing", res.Counts.Destroy)
	return res, nil
}

func (s *Stage) drift(ctx context.Context, res *plan.Result) error {
	c, err := s.cluster(ctx)
	if err != nil {
		return err
	}
	if c.unreachable != nil {
		return s.unreachable(c.unreachable)
	}
	if c.live == nil {
		return fmt.Errorf("no live object reader")
	}
	h, err := readHistory(c.cfg.Releases, s.rel.Release)
	if err != nil {
		return err
	}
	if err := s.pending(h); err != nil {
		return err
	}
	if h.current == nil || h.uninstalled {
		res.Notes = append(res.Notes, "not installed: nothing to compare")
		return nil
	}
	// Values from sensitive inventory keys are masked as in Plan. A
	// missing key only costs the masking: the manifest is what is compared.
	_, sensitive, err := s.values()
	if err != nil {
		s.log.WarnContext(ctx, "values not read: only the inventory's sensitive values are masked", "error", err)
	}
	// The deployed revision may hold a secret the inventory no longer has.
	sensitive = s.secrets(append(sensitive, s.releaseSecrets(h.current)...))
	mk := newMasking(sensitive, s.digest)
	res.Secrets = append(res.Secrets, sensitive...)
	objs, err := newObjectParser(s.ns, c.scope).manifestObjects(h.current.Manifest, nil, false)
	if err != nil {
		return fmt.Errorf("revision %d: %w", h.current.Version, err)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("compared the live objects with revision %d (%s)", h.current.Version, h.current.Info.Status))
	targets := map[string]map[string]bool{}
	var changes []objectChange
	var expired []string
	for i := range objs {
		o := &objs[i]
		live, err := c.live.get(ctx, o.apiVersion, o.kind, o.namespace, o.name)
		if err != nil {
			return fmt.Errorf("read %s: %w", o.address, err)
		}
		if live == nil && jobRemovedByTTL(o) {
			expired = append(expired, o.address)
			continue
		}
		autoscaled := false
		if live != nil && o.namespace != "" {
			t, ok := targets[o.namespace]
			if !ok {
				if t, err = c.live.scaleTargets(ctx, o.namespace); err != nil {
					return fmt.Errorf("list the autoscalers of namespace %s: %w", o.namespace, err)
				}
				targets[o.namespace] = t
			}
			autoscaled = t[o.kind+"/"+o.name]
		}
		ch, secrets, err := driftObject(o, live, autoscaled, mk)
		if err != nil {
			return err
		}
		res.Secrets = append(res.Secrets, secrets...)
		if ch.diff != "" {
			changes = append(changes, ch)
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].address < changes[j].address })
	if len(expired) > 0 {
		res.Notes = append(res.Notes, ttlNote(expired))
	}
	fillResult(res, changes)
	res.Diff = maskWith(sensitive, res.Diff)
	return nil
}

// driftObject compares one manifest object with its live state (nil when
// it does not exist); mk masks the inventory's secrets in both.
func driftObject(o *object, live map[string]any, autoscaled bool, mk *masking) (objectChange, []string, error) {
	want := o.body
	if isSecret(o) {
		want = secretAsStored(want)
	}
	if live == nil {
		c, secrets, err := diffObject(&object{address: o.address, kind: o.kind, apiVersion: o.apiVersion, body: want}, nil, mk)
		return c, secrets, err
	}
	got, changed := project(want, live, nil, driftIgnore(autoscaled))
	if !changed {
		var secrets []string
		if isSecret(o) {
			_, _, secrets = maskSecretPair(want, nil)
		}
		return objectChange{address: o.address}, secrets, nil
	}
	a := &object{address: o.address, kind: o.kind, apiVersion: o.apiVersion, body: want}
	b := &object{address: o.address, kind: o.kind, apiVersion: o.apiVersion, body: got.(map[string]any)}
	if isSecret(o) {
		_, _, more := maskSecretPair(nil, live)
		c, secrets, err := diffObject(a, b, mk)
		return c, append(secrets, more...), err
	}
	return diffObject(a, b, mk)
}

// kubeLive reads live objects through the dynamic client.
type kubeLive struct {
	dyn    dynamic.Interface
	mapper meta.RESTMapper
}

var _ liveReader = (*kubeLive)(nil)

func (k *kubeLive) get(ctx context.Context, apiVersion, kind, namespace, name string) (map[string]any, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, err
	}
	m, err := k.mapper.RESTMapping(gv.WithKind(kind).GroupKind(), gv.Version)
	if err != nil {
		return nil, err
	}
	var ri dynamic.ResourceInterface = k.dyn.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ri = k.dyn.Resource(m.Resource).Namespace(namespace)
	}
	u, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return u.Object, nil
}

var hpaResource = schema.GroupVersionResource{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"}

func (k *kubeLive) scaleTargets(ctx context.Context, namespace string) (map[string]bool, error) {
	list, err := k.dyn.Resource(hpaResource).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
		// No autoscaling API, or no right to read it: replicas are then
		// compared like any other field.
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, item := range list.Items {
		spec, _ := item.Object["spec"].(map[string]any)
		ref, _ := spec["scaleTargetRef"].(map[string]any)
		kind, _ := ref["kind"].(string)
		name, _ := ref["name"].(string)
		if kind != "" && name != "" {
			out[kind+"/"+name] = true
		}
	}
	return out, nil
}
