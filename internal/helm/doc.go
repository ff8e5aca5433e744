// Package helm runs the Helm stage of a stack: it plans, deploys and checks
// one Helm release with the Helm 4 SDK (helm.sh/helm/v4). All the code
// that uses the Helm SDK lives here, so that the choice of Helm 4 stays
// local.
//
// A release's chart comes from a path in the repository (with the
// dependencies its Chart.yaml takes from file:// paths added in memory),
// from an https chart repository (repo, chart name and version; the index
// is fetched once per run) or from an OCI registry (an oci:// reference).
// Its values are its values files merged in order, then the inventory
// values (inventory_values maps a chart value path to an inventory key).
// The cluster is reached as kubectl reaches it: the kubeconfig file, or the
// in-cluster configuration, with the environment's kube_context.
//
// Plan renders the release as an upgrade would, with a server-side dry run
// when the cluster answers (client-side otherwise, said in the notes), and
// diffs the rendering with the deployed release object by object. Apply
// upgrades (or installs) with an atomic rollback, waiting for readiness.
// Drift compares the live objects with the deployed manifest. None of them
// shows the values of a Kubernetes Secret (only which keys changed, and
// their sizes) or values that came from sensitive inventory keys.
//
// Order gives the deploy order of a tier's releases.
package helm
