package helm

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// jobGoneTimeout bounds the wait for a deleted Job to disappear.
const jobGoneTimeout = time.Minute

// jobDeleter deletes a Job with its pods; the live reader of a cluster
// implements it.
type jobDeleter interface {
	// deleteJob deletes the Job and waits until it is gone; a Job that
	// does not exist is no error.
	deleteJob(ctx context.Context, namespace, name string, timeout time.Duration) error
}

// changedJobs returns the Jobs of the release's manifest (not its hooks,
// which Helm recreates by their delete policy) that both revisions hold
// with a different pod template: Kubernetes refuses to change a Job's
// template, so an upgrade cannot update them in place.
func changedJobs(old, cur []object) []object {
	prev := map[string]object{}
	for _, o := range old {
		if o.kind == "Job" && o.hook == "" {
			prev[o.key] = o
		}
	}
	var out []object
	for _, o := range cur {
		p, ok := prev[o.key]
		if !ok || o.hook != "" {
			continue
		}
		if !reflect.DeepEqual(jobTemplate(p.body), jobTemplate(o.body)) {
			out = append(out, o)
		}
	}
	return out
}

func jobTemplate(body map[string]any) any {
	spec, _ := body["spec"].(map[string]any)
	return spec["template"]
}

// renderedJobChanges returns the Jobs whose pod template an upgrade to
// the rendering changes; none for an install.
func (s *Stage) renderedJobChanges(c *cluster, r *rendering) ([]object, error) {
	if r.install {
		return nil, nil
	}
	manifest, _ := r.previous()
	parser := newObjectParser(s.ns, scopeWith(r.crds.kinds, c.scope))
	old, err := parser.manifestObjects(manifest, nil, false)
	if err != nil {
		return nil, err
	}
	cur, err := parser.manifestObjects(r.rel.Manifest, nil, false)
	if err != nil {
		return nil, err
	}
	return changedJobs(old, cur), nil
}

// jobNotes tells, in a plan, which Jobs apply will create anew.
func (s *Stage) jobNotes(c *cluster, r *rendering) ([]string, error) {
	jobs, err := s.renderedJobChanges(c, r)
	var notes []string
	for _, j := range jobs {
		notes = append(notes, j.address+": its pod template changes, which Kubernetes does not allow in place: "+
			"apply deletes the Job once it has finished and creates it anew")
	}
	return notes, err
}

// jobFinished reports whether a live Job has finished: its Complete or
// Failed condition is true.
func jobFinished(live map[string]any) bool {
	status, _ := live["status"].(map[string]any)
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if (m["type"] == "Complete" || m["type"] == "Failed") && m["status"] == "True" {
			return true
		}
	}
	return false
}

// replaceJobs deletes, before an upgrade, the finished live Jobs whose pod
// template the upgrade changes, so that the upgrade creates them anew (as
// a hook's before-hook-creation policy would): a Job of the release that
// runs the database migrations then runs again with the new image. A Job
// still running is an error: it cannot be changed, and stopping it could
// break what it does. It returns a note per Job replaced.
func (s *Stage) replaceJobs(ctx context.Context, c *cluster, r *rendering) ([]string, error) {
	if c.live == nil {
		return nil, nil
	}
	jobs, err := s.renderedJobChanges(c, r)
	if err != nil {
		return nil, err
	}
	var notes []string
	for _, j := range jobs {
		live, err := c.live.get(ctx, j.apiVersion, j.kind, j.namespace, j.name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", j.address, err)
		}
		if live == nil {
			continue
		}
		if !jobFinished(live) {
			return nil, fmt.Errorf("%s is still running, and this deploy changes its pod template, which Kubernetes does not allow: "+
				"let it finish and deploy again", j.address)
		}
		d, ok := c.live.(jobDeleter)
		if !ok {
			return nil, fmt.Errorf("%s: cannot delete Jobs on this cluster", j.address)
		}
		if err := d.deleteJob(ctx, j.namespace, j.name, jobGoneTimeout); err != nil {
			return nil, fmt.Errorf("replace %s: %w", j.address, err)
		}
		s.log.InfoContext(ctx, "finished Job deleted: the deploy changes its pod template and creates it anew", "job", j.address)
		notes = append(notes, j.address+": the finished Job was deleted and is created anew (a Job's pod template cannot change)")
	}
	return notes, nil
}

// jobRemovedByTTL reports whether a Job missing from the cluster is
// expected to be: its manifest sets ttlSecondsAfterFinished, so the
// cluster deletes it some time after it finished.
func jobRemovedByTTL(o *object) bool {
	if o.kind != "Job" {
		return false
	}
	spec, _ := o.body["spec"].(map[string]any)
	_, ok := spec["ttlSecondsAfterFinished"]
	return ok
}

// ttlNote says which missing Jobs drift did not count, and why.
func ttlNote(addrs []string) string {
	return "not drift: " + strings.Join(addrs, ", ") + " finished and was removed by its ttlSecondsAfterFinished"
}

var jobResource = schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}

var _ jobDeleter = (*kubeLive)(nil)

func (k *kubeLive) deleteJob(ctx context.Context, namespace, name string, timeout time.Duration) error {
	jobs := k.dyn.Resource(jobResource).Namespace(namespace)
	bg := metav1.DeletePropagationBackground
	err := jobs.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &bg})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		_, err := jobs.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still there after %s", timeout)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
