package kubetest

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// fakeNode is the node kwok plays: big enough for any test chart.
func fakeNode() *corev1.Node {
	resources := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: nodeName,
			Annotations: map[string]string{
				"node.alpha.kubernetes.io/ttl": "0",
				kwokNodeAnnotation:             "fake",
			},
			Labels: map[string]string{
				"kubernetes.io/hostname": nodeName,
				"kubernetes.io/os":       "linux",
				"kubernetes.io/arch":     "amd64",
				"type":                   "kwok",
			},
		},
		Status: corev1.NodeStatus{Allocatable: resources, Capacity: resources},
	}
}

// nodeReady creates the fake node if it does not exist yet, and reports
// whether it is Ready and has no taints left, so that pods can be scheduled
// on it.
func nodeReady(clientset kubernetes.Interface) check {
	return func(ctx context.Context) (bool, error) {
		nodes := clientset.CoreV1().Nodes()
		node, err := nodes.Get(ctx, nodeName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			node, err = nodes.Create(ctx, fakeNode(), metav1.CreateOptions{})
		}
		if err != nil {
			return false, fmt.Errorf("node %s: %w", nodeName, err)
		}
		if len(node.Spec.Taints) > 0 {
			return false, fmt.Errorf("node %s: tainted %s", nodeName, node.Spec.Taints[0].Key)
		}
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady {
				return cond.Status == corev1.ConditionTrue, nil
			}
		}
		return false, fmt.Errorf("node %s: no Ready condition yet", nodeName)
	}
}

// probe creates a one-replica Deployment in the default namespace, waits
// until it is available and deletes it.
func probe(ctx context.Context, clientset kubernetes.Interface, procs []*process) error {
	deployments := clientset.AppsV1().Deployments(metav1.NamespaceDefault)
	d, err := deployments.Create(ctx, probeDeployment(), metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("create probe deployment: %w", err)
	}
	if err := waitFor(ctx, "probe deployment available", procs, deploymentAvailable(clientset, d.Namespace, d.Name)); err != nil {
		return err
	}
	if err := deployments.Delete(ctx, d.Name, metav1.DeleteOptions{}); err != nil {
		return fmt.Errorf("delete probe deployment: %w", err)
	}
	return nil
}

func probeDeployment() *appsv1.Deployment {
	labels := map[string]string{"app": "kubetest-probe"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "kubetest-probe"},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: labels,
					// kwok's pod stages wait one to five seconds per step
					// unless a pod's annotations say otherwise.
					Annotations: map[string]string{
						"pod-create.stage.kwok.x-k8s.io/delay":        "0s",
						"pod-create.stage.kwok.x-k8s.io/jitter-delay": "0s",
						"pod-ready.stage.kwok.x-k8s.io/delay":         "0s",
						"pod-ready.stage.kwok.x-k8s.io/jitter-delay":  "0s",
					},
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "probe", Image: "kubetest.invalid/probe"}},
				},
			},
		},
	}
}

// deploymentAvailable reports whether the Deployment has rolled out: its
// latest generation observed, every replica updated and available.
func deploymentAvailable(clientset kubernetes.Interface, namespace, name string) check {
	return func(ctx context.Context) (bool, error) {
		d, err := clientset.AppsV1().Deployments(namespace).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("deployment %s/%s: %w", namespace, name, err)
		}
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		st := d.Status
		return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == want &&
			st.AvailableReplicas == want && st.Replicas == want, nil
	}
}
