package helm

import (
	"errors"
	"sync"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/kube"
	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/cli-runtime/pkg/resource"
)

// A Job with ttlSecondsAfterFinished is deleted by the cluster's TTL
// controller that many seconds after it finishes. Helm's status waiter
// (kstatus) watches all the objects of a release together and ends when
// every one of them is ready at the same moment; a Job that completed and
// was then removed, while other objects were still becoming ready, turns
// from Current to NotFound, which is never ready, so Helm waits until the
// timeout and an atomic deploy rolls back a release that had deployed
// fine. Helm offers no hook for this: the NotFound status comes from the
// watcher itself when the object is deleted, never from a status reader,
// so kube.WithKStatusReaders cannot change it.
//
// tierdeploy therefore waits for each such Job on its own, beside the wait
// for the other objects: the Job's wait ends as soon as it has completed
// (or, without wait_for_jobs, started), as `helm --wait` means, and what
// the cluster does with it afterwards cannot hold up the deploy. A Job
// that fails still fails the deploy. Nothing in the chart's objects is
// changed (removing the TTL from what is applied would make the live Job
// differ from the chart and linger), so drift and Helm's own records stay
// exact. Jobs without a TTL, and hooks (Helm waits for each hook alone),
// are waited for as Helm does.

// ttlJobKube is a Helm kube client whose waiters wait for Jobs with a
// ttlSecondsAfterFinished apart from the other objects (ttlJobWaiter).
// Every other call goes to the client it wraps.
type ttlJobKube struct {
	kube.Interface
	// done, if set, is told of each Job whose own wait ended without
	// error.
	done func(*resource.Info)
}

var _ kube.InterfaceWaitOptions = (*ttlJobKube)(nil)

// withTTLJobWait makes cfg's deploys wait for Jobs with a TTL apart,
// telling done (if not nil) of each Job whose wait ended well; restore
// puts the original client back.
func withTTLJobWait(cfg *action.Configuration, done func(*resource.Info)) (restore func()) {
	orig := cfg.KubeClient
	if _, ok := orig.(*ttlJobKube); ok || orig == nil {
		return func() {}
	}
	cfg.KubeClient = &ttlJobKube{Interface: orig, done: done}
	return func() { cfg.KubeClient = orig }
}

// GetWaiter returns the wrapped client's waiter for ws, wrapped.
func (k *ttlJobKube) GetWaiter(ws kube.WaitStrategy) (kube.Waiter, error) {
	return k.GetWaiterWithOptions(ws)
}

// GetWaiterWithOptions returns the wrapped client's waiter for ws and
// opts, wrapped.
func (k *ttlJobKube) GetWaiterWithOptions(ws kube.WaitStrategy, opts ...kube.WaitOption) (kube.Waiter, error) {
	var (
		w   kube.Waiter
		err error
	)
	if c, ok := k.Interface.(kube.InterfaceWaitOptions); ok {
		w, err = c.GetWaiterWithOptions(ws, opts...)
	} else {
		w, err = k.Interface.GetWaiter(ws)
	}
	if err != nil {
		return nil, err
	}
	return &ttlJobWaiter{Waiter: w, done: k.done}, nil
}

// ttlJobWaiter is a waiter whose Wait and WaitWithJobs wait for each Job
// with a ttlSecondsAfterFinished in a wait of its own, at the same time as
// one wait for the other objects, all with the same timeout. Its other
// methods are the wrapped waiter's.
type ttlJobWaiter struct {
	kube.Waiter
	done func(*resource.Info)
}

// Wait waits for the objects to be ready (a Job: started).
func (w *ttlJobWaiter) Wait(resources kube.ResourceList, timeout time.Duration) error {
	return waitApart(resources, timeout, w.Waiter.Wait, w.done)
}

// WaitWithJobs waits for the objects to be ready and the Jobs to complete.
func (w *ttlJobWaiter) WaitWithJobs(resources kube.ResourceList, timeout time.Duration) error {
	return waitApart(resources, timeout, w.Waiter.WaitWithJobs, w.done)
}

// waitApart runs wait for the objects that are not Jobs with a TTL, and
// for each Job with a TTL alone, concurrently, and joins their errors. It
// tells done (if not nil) of each Job whose wait ended without error.
func waitApart(resources kube.ResourceList, timeout time.Duration, wait func(kube.ResourceList, time.Duration) error,
	done func(*resource.Info),
) error {
	rest, apart := splitTTLJobs(resources)
	if len(apart) == 0 {
		return wait(resources, timeout)
	}
	errs := make([]error, len(apart)+1)
	var wg sync.WaitGroup
	if len(rest) > 0 {
		wg.Go(func() { errs[0] = wait(rest, timeout) })
	}
	for i, j := range apart {
		wg.Go(func() {
			errs[i+1] = wait(kube.ResourceList{j}, timeout)
			if errs[i+1] == nil && done != nil {
				done(j)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// splitTTLJobs returns the objects to wait for together (rest) and the
// Jobs with a ttlSecondsAfterFinished, to wait for one by one (apart),
// each in the order given.
func splitTTLJobs(resources kube.ResourceList) (rest, apart kube.ResourceList) {
	for _, r := range resources {
		if hasTTL(r) {
			apart = append(apart, r)
		} else {
			rest = append(rest, r)
		}
	}
	return rest, apart
}

// hasTTL reports whether r is a batch Job that sets
// ttlSecondsAfterFinished (to any value, 0 included): the cluster deletes
// it once it has finished, possibly while the deploy still waits.
func hasTTL(r *resource.Info) bool {
	if r == nil || r.Object == nil {
		return false
	}
	j, ok := kube.AsVersioned(r).(*batchv1.Job)
	return ok && j.Spec.TTLSecondsAfterFinished != nil
}
