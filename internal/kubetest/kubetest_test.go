package kubetest_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/tierdeploy/tierdeploy/internal/kubetest"
)

var cluster kubetest.Shared

func TestMain(m *testing.M) { os.Exit(cluster.Run(m)) }

func TestDeploymentBecomesAvailable(t *testing.T) {
	c := cluster.Get(t)
	ns := c.Namespace(t)
	clientset, err := kubernetes.NewForConfig(c.RESTConfig())
	require.NoError(t, err)
	ctx := t.Context()

	v, err := clientset.Discovery().ServerVersion()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(v.GitVersion, "v1."), "server version %q: built without version ldflags?", v.GitVersion)

	deployments := clientset.AppsV1().Deployments(ns)
	_, err = deployments.Create(ctx, deployment("web", 2), metav1.CreateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		d, err := deployments.Get(ctx, "web", metav1.GetOptions{})
		return err == nil && d.Status.ObservedGeneration >= d.Generation &&
			d.Status.AvailableReplicas == 2 && d.Status.UpdatedReplicas == 2
	}, 2*time.Minute, 250*time.Millisecond, "deployment web never became available")

	pods, err := clientset.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=web"})
	require.NoError(t, err)
	require.Len(t, pods.Items, 2)
	for _, p := range pods.Items {
		require.Equal(t, corev1.PodRunning, p.Status.Phase, p.Name)
		require.NotEmpty(t, p.Status.PodIP, p.Name)
	}

	require.NoError(t, deployments.Delete(ctx, "web", metav1.DeleteOptions{}))
	require.Eventually(t, func() bool {
		_, err := deployments.Get(ctx, "web", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}, time.Minute, 250*time.Millisecond)
}

// The kubeconfig file is what Helm and kubectl read.
func TestKubeconfig(t *testing.T) {
	c := cluster.Get(t)
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig())
	require.NoError(t, err)
	clientset, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	_, err = clientset.CoreV1().Namespaces().Get(t.Context(), metav1.NamespaceDefault, metav1.GetOptions{})
	require.NoError(t, err)
}

// A second cluster runs beside the shared one, and Stop leaves nothing
// behind: no listener, no directory.
func TestStartStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Kubernetes control plane")
	}
	cluster.Get(t) // the shared one, so that two run at once
	c, err := kubetest.Start(t.Context(), kubetest.ToolOptions(t))
	require.NoError(t, err)
	t.Cleanup(c.Stop)

	cfg := c.RESTConfig()
	clientset, err := kubernetes.NewForConfig(cfg)
	require.NoError(t, err)
	node, err := clientset.CoreV1().Nodes().Get(t.Context(), "kwok-node-0", metav1.GetOptions{})
	require.NoError(t, err)
	require.Empty(t, node.Spec.Taints)

	c.Stop()
	c.Stop()
	_, err = net.DialTimeout("tcp", strings.TrimPrefix(cfg.Host, "https://"), time.Second)
	require.Error(t, err, "apiserver still listening after Stop")
	_, err = os.Stat(c.Dir())
	require.True(t, errors.Is(err, os.ErrNotExist), "cluster directory left behind: %v", err)
}

// A component that cannot start makes Start fail with the end of its log.
func TestStartFailureShowsComponentLog(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Kubernetes control plane")
	}
	opts := kubetest.ToolOptions(t)
	opts.StagesFile = filepath.Join(t.TempDir(), "missing-stages.yaml")
	_, err := kubetest.Start(t.Context(), opts)

	var ce *kubetest.ComponentError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, kubetest.ErrExited)
	require.Equal(t, "kwok", ce.Component)
	require.Contains(t, ce.Tail, "missing-stages.yaml")
}

// BenchmarkStart measures a cold start of the whole stack (fresh etcd,
// certificates, all components, node Ready); run it with -benchtime 1x.
func BenchmarkStart(b *testing.B) {
	opts := kubetest.ToolOptions(b)
	for _, probe := range []bool{false, true} {
		name := "node-ready"
		if probe {
			name = "deployment-available"
		}
		b.Run(name, func(b *testing.B) {
			opts.Probe = probe
			for range b.N {
				c, err := kubetest.Start(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				stopping := time.Now()
				c.Stop()
				b.ReportMetric(time.Since(stopping).Seconds(), "stop-s/op")
				b.StartTimer()
			}
		})
	}
}

func deployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: name, Image: "example.invalid/" + name}},
				},
			},
		},
	}
}
