package helm

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/tierdeploy/tierdeploy/internal/config"
)

// TestKubeJobRemovedByTTLWhileWaiting deploys a release whose Job sets
// ttlSecondsAfterFinished: 1 and whose Deployment becomes available only
// 30 s after its pod is ready: the Job completes and the cluster's TTL
// controller deletes it while the deploy still waits for the Deployment.
// Helm alone would then wait for the deleted Job (NotFound) until the
// timeout and roll the install back; tierdeploy counts the Job done once
// it completed, and the deploy ends when the Deployment is available.
func TestKubeJobRemovedByTTLWhileWaiting(t *testing.T) {
	t.Parallel()
	kc := controlPlane.Get(t)
	ns := kc.Namespace(t)
	cs := clientset(t, kc)
	opts := kubeOptions(t, kc, ns)
	opts.Release.Chart = "charts/ttljob"
	const timeout = 2 * time.Minute
	opts.Release.Timeout = config.Duration(timeout)

	// Record when the Job completed and when it was deleted.
	w, err := cs.BatchV1().Jobs(ns).Watch(t.Context(), metav1.ListOptions{FieldSelector: "metadata.name=web-migrate"})
	require.NoError(t, err)
	defer w.Stop()
	type seen struct{ completed, deleted time.Time }
	events := make(chan seen, 1)
	go func() {
		var s seen
		defer func() { events <- s }()
		for ev := range w.ResultChan() {
			j, ok := ev.Object.(*batchv1.Job)
			if !ok {
				continue
			}
			if s.completed.IsZero() && jobComplete(j) {
				s.completed = time.Now()
			}
			if ev.Type == watch.Deleted {
				s.deleted = time.Now()
				return
			}
		}
	}()

	start := time.Now()
	res, err := newStage(t, opts).Apply(t.Context())
	end := time.Now()
	require.NoError(t, err, "the deploy waited for the Job the cluster had removed")
	t.Logf("deploy took %s", end.Sub(start).Round(time.Millisecond))
	assert.Contains(t, res.Notes, "install: revision 1 deployed")
	assert.Less(t, end.Sub(start), timeout)
	assert.Equal(t, []string{"deployed"}, kubeHistory(t, opts))

	w.Stop()
	s := <-events
	require.False(t, s.completed.IsZero(), "the Job never completed")
	require.False(t, s.deleted.IsZero(), "the Job was not removed by its TTL during the deploy")
	assert.True(t, s.deleted.Before(end), "the Job was removed after the deploy ended, so the test proves nothing")
	t.Logf("Job completed after %s, removed after %s", s.completed.Sub(start).Round(time.Millisecond),
		s.deleted.Sub(start).Round(time.Millisecond))

	d, err := cs.AppsV1().Deployments(ns).Get(t.Context(), "web", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, int32(1), d.Status.AvailableReplicas, "the deploy ended before the Deployment was available")
}

func jobComplete(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}
