package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/tierdeploy/tierdeploy/internal/app"
)

// TestHelmThroughTheCommandLine deploys the example's two tiers, the Helm
// release included, on a real control plane: the plan shows the release as
// new, apply installs it with the published inventory's values, the next plan
// is clean, a change of values shows as a diff, and an object edited live is
// reported as drift.
func TestHelmThroughTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu and a control plane")
	}
	kc := controlPlane.Get(t)
	offlineTofu(t)
	clearCI(t)
	t.Setenv("KUBECONFIG", kc.Kubeconfig())
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	// The control plane has no storage provisioner: leave the shared
	// volume out, and give up sooner than the default five minutes.
	cfgPath := filepath.Join(r.Dir, "tierdeploy.yaml")
	b, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	cfg := strings.Replace(string(b), "          storage.claimName: storage.claim\n", "", 1)
	cfg = strings.Replace(cfg, "        namespace: app\n", "        namespace: app\n        timeout: 2m\n", 1)
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o644))
	r.Commit("no shared volume")

	code, out := run(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "helm <code>app</code>")
	require.Contains(t, out, "+   Deployment/app/app")

	code, out = run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	cs, err := kubernetes.NewForConfig(kc.RESTConfig())
	require.NoError(t, err)
	cm, err := cs.CoreV1().ConfigMaps("app").Get(t.Context(), "app", metav1.GetOptions{})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(cm.Data["DATABASE_HOST"], "shop-staging-"), "the release got the published inventory: %v", cm.Data)

	code, out = run(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "| `project/staging` | ✅ no changes |")

	// A values change shows as a diff of the Deployment.
	r.Write(map[string]string{"project/values/staging.yaml": "replicaCount: 2\n"})
	r.Commit("two replicas")
	code, out = run(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--base", "HEAD~1", "--head", "HEAD")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "-  replicas: 1")
	require.Contains(t, out, "+  replicas: 2")

	// An object edited live is drift.
	dep, err := cs.AppsV1().Deployments("app").Get(t.Context(), "app", metav1.GetOptions{})
	require.NoError(t, err)
	dep.Spec.Template.Spec.Containers[0].Image = "registry.example.invalid/hotfix:1"
	_, err = cs.AppsV1().Deployments("app").Update(t.Context(), dep, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(r.Dir, "project/values/staging.yaml")))
	r.Git("checkout", "-q", "HEAD~1", "--", "project/values/staging.yaml")
	code, out = run(t, "drift", "--chdir", r.Dir, "--environment", "staging", "--tier", "project")
	require.Equal(t, app.ExitChanges, code, out)
	require.Contains(t, out, "project/staging")
	require.Contains(t, out, "drifted")
}
