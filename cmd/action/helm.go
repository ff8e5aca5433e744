package main

import (
	"context"

	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/helm"
)

// newHelm builds a Helm release stage, whose fingerprints key keys;
// *helm.Stage has the methods the app calls. A release with a cluster:
// block reaches the cluster with tokens from tokens, and without one while
// the infrastructure plan creates the cluster.
func newHelm(ctx context.Context, spec deploy.HelmSpec, key []byte, tokens *eksTokens) (deploy.HelmStage, error) {
	opts := helm.Options{
		Log:             spec.Log,
		KubeContext:     spec.KubeContext,
		RepoCacheDir:    spec.WorkDir,
		Root:            spec.Root,
		Stack:           spec.Stack,
		Release:         spec.Release,
		Inventory:       spec.Inventory,
		KnownAfterApply: spec.KnownAfterApply,
		Set:             spec.Set,
		FingerprintKey:  key,
	}
	if t := spec.Cluster; t != nil {
		opts.KubeContext = ""
		opts.Connection = &helm.Connection{Name: t.Name(), Endpoint: t.Endpoint, CAData: t.CAData}
		opts.ClusterKnownAfterApply = len(t.Pending) > 0
		if !opts.ClusterKnownAfterApply {
			src, err := tokens.source(ctx, *t, spec.Log)
			if err != nil {
				return nil, err
			}
			// The source itself: it explains a refused token from the
			// API server's clock.
			opts.Connection.Token = src
		}
	}
	return helm.New(opts)
}

var _ deploy.HelmStage = (*helm.Stage)(nil)
