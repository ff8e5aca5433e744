package helm

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	release "helm.sh/helm/v4/pkg/release/v1"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// jobManifest is a release manifest with one Job running image.
func jobManifest(image string) string {
	return "---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  ttlSecondsAfterFinished: 300\n" +
		"  template:\n    spec:\n      restartPolicy: OnFailure\n      containers:\n        - name: m\n          image: " + image + "\n" +
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  image: " + image + "\n"
}

// jobLive is a live cluster whose Jobs can be deleted.
type jobLive struct {
	fakeLive
	deleted []string
}

func (j *jobLive) deleteJob(_ context.Context, ns, name string, _ time.Duration) error {
	j.deleted = append(j.deleted, ns+"/"+name)
	return nil
}

func liveJob(condition string) map[string]any {
	job := map[string]any{"apiVersion": "batch/v1", "kind": "Job", "metadata": map[string]any{"name": "migrate", "namespace": "app"}}
	if condition != "" {
		job["status"] = map[string]any{"conditions": []any{map[string]any{"type": condition, "status": "True"}}}
	}
	return job
}

func TestReplaceJobs(t *testing.T) {
	upgrade := &rendering{
		hist: history{current: &release.Release{Version: 1, Manifest: jobManifest("app:1")}},
		rel:  &release.Release{Manifest: jobManifest("app:2")},
	}
	tests := []struct {
		name    string
		r       *rendering
		live    map[string]any
		deleted []string
		notes   []string
		err     string
	}{
		{name: "finished Job whose template changes", r: upgrade, live: liveJob("Complete"), deleted: []string{"app/migrate"},
			notes: []string{"Job/app/migrate: the finished Job was deleted and is created anew (a Job's pod template cannot change)"}},
		{name: "failed Job", r: upgrade, live: liveJob("Failed"), deleted: []string{"app/migrate"},
			notes: []string{"Job/app/migrate: the finished Job was deleted and is created anew (a Job's pod template cannot change)"}},
		{name: "running Job", r: upgrade, live: liveJob(""),
			err: "Job/app/migrate is still running, and this deploy changes its pod template, which Kubernetes does not allow: let it finish and deploy again"},
		{name: "Job gone (its TTL)", r: upgrade},
		{name: "same template", live: liveJob("Complete"), r: &rendering{
			hist: history{current: &release.Release{Version: 1, Manifest: jobManifest("app:1")}},
			rel:  &release.Release{Manifest: jobManifest("app:1")},
		}},
		{name: "install", live: liveJob("Complete"), r: &rendering{install: true, rel: &release.Release{Manifest: jobManifest("app:2")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fakeCluster(t)
			live := &jobLive{fakeLive: fakeLive{objects: map[string]map[string]any{}}}
			if tt.live != nil {
				live.objects["Job/app/migrate"] = tt.live
			}
			c.live = live
			s := newStage(t, stageOptions(t, c))
			notes, err := s.replaceJobs(t.Context(), c, tt.r)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				assert.Empty(t, live.deleted)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.deleted, live.deleted)
			assert.Equal(t, tt.notes, notes)
		})
	}
}

func TestPlanSaysWhichJobsApplyCreatesAnew(t *testing.T) {
	c := fakeCluster(t)
	s := newStage(t, stageOptions(t, c))
	notes, err := s.jobNotes(c, &rendering{
		hist: history{current: &release.Release{Version: 1, Manifest: jobManifest("app:1")}},
		rel:  &release.Release{Manifest: jobManifest("app:2")},
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"Job/app/migrate: its pod template changes, which Kubernetes does not allow in place: " +
		"apply deletes the Job once it has finished and creates it anew"}, notes)
}

func TestDriftIgnoresJobsRemovedByTheirTTL(t *testing.T) {
	c := fakeCluster(t)
	require.NoError(t, c.cfg.Releases.Create(&release.Release{Name: "web", Namespace: "app", Version: 1,
		Info: &release.Info{Status: "deployed"}, Manifest: jobManifest("app:1")}))
	live := &fakeLive{objects: map[string]map[string]any{
		"ConfigMap/app/cfg": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "cfg", "namespace": "app"},
			"data": map[string]any{"image": "app:1"}},
	}}
	opts := stageOptions(t, c)
	opts.connect = withLive(c, live)
	res, err := newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.False(t, res.HasChanges, res.Diff)
	assert.Contains(t, res.Notes, "not drift: Job/app/migrate finished and was removed by its ttlSecondsAfterFinished")

	// A missing object of another kind is drift.
	delete(live.objects, "ConfigMap/app/cfg")
	res, err = newStage(t, opts).Drift(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []plan.ResourceChange{{Address: "ConfigMap/app/cfg", Action: plan.Delete}}, res.Resources)
}
