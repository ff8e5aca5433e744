// Package helm runs the Helm stage of a stack: it diffs, deploys and checks
// one Helm release with the Helm 4 SDK (helm.sh/helm/v4). All the code that
// uses the Helm SDK lives here, so that the choice of Helm 4 stays local;
// callers see only [Stage], [Options], [Order], plan.Result and the typed
// errors.
//
// A release's chart comes from a path in the repository (the dependencies
// its Chart.yaml takes from file:// paths are added in memory, nothing is
// written into the repository), from an https chart repository (repo, chart
// name and version or range; the index is fetched once per run) or from an
// OCI registry (an oci:// reference, with the version as its tag). Its
// values are its values files merged in order, then the inventory values:
// inventory_values maps a chart value path to an inventory key. The cluster
// is reached through a [Connection] when one is given (the endpoint and CA
// of a cluster: block, and a token source such as internal/eks's; no
// kubeconfig is read), and otherwise as kubectl reaches it: the kubeconfig
// file (or the pod's service account), with the environment's
// kube_context.
//
// [Stage.Plan] renders the release as an upgrade would, with a dry run on
// the server when the cluster answers (client-side otherwise, said in the
// notes), and diffs the rendering with the deployed revision object by
// object: manifest objects and hooks (tests excepted), each rendered as
// YAML with sorted keys, so the layout of the templates does not count.
// [Stage.Apply] upgrades, or installs, atomically, waiting for readiness.
// [Stage.Drift] compares the live objects with the deployed manifest. None
// of them shows the values of a Kubernetes Secret (only the keys, their
// sizes and which changed) or any value of a sensitive inventory key: those
// are masked in the object trees before they are written as YAML
// (mask.go), and the fingerprints hold them only as keyed tokens. A
// release left pending by an interrupted deploy is reported with
// the command that recovers it ([PendingReleaseError]), never overridden.
package helm
