// Package cluster finds the Kubernetes cluster of a stack in its
// environment's inventory: the API server's URL, its CA certificate and,
// for Amazon EKS, the cluster's name, from the inventory keys of a cluster:
// block of the configuration ([config.Cluster]). It is pure: it reads the
// inventory document it is given and contacts nothing; the tokens are made
// by internal/eks and the client by internal/helm.
//
// Every value is checked as outside input: the endpoint must be an https
// URL without credentials (a bearer token never travels in clear text),
// the CA must hold at least one certificate, the cluster name must be an
// EKS cluster name. When the infrastructure plan knows a key only after
// apply (a cluster being created or replaced), the Target says so in
// Pending instead of failing.
package cluster
