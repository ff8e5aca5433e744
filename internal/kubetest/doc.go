// Package kubetest runs a throwaway Kubernetes control plane on loopback for
// integration tests: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok, which plays one fake node so that Deployments
// become available without a container runtime.
//
// The binaries come from `scripts/install-tools.sh k8s`. Every cluster gets
// its own temporary directory (certificates, data, logs) and its own free
// loopback ports, so several test packages can run clusters at once. Tests
// usually share one cluster per package through [Shared]; [Start] runs one
// directly.
//
// By default every request of the administrator (a static token) is
// allowed. Options.TokenWebhook adds a token authentication webhook, as an
// EKS cluster has its authenticator, and Options.RBAC makes the users it
// authenticates need RBAC bindings; neither changes anything for clusters
// started without them.
package kubetest
