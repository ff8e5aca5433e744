package main

import (
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/helm"
)

// newHelm builds a Helm release stage, whose fingerprints key keys;
// *helm.Stage has the methods the app calls.
func newHelm(spec deploy.HelmSpec, key []byte) (deploy.HelmStage, error) {
	return helm.New(helm.Options{
		Log:             spec.Log,
		KubeContext:     spec.KubeContext,
		RepoCacheDir:    spec.WorkDir,
		Root:            spec.Root,
		Stack:           spec.Stack,
		Release:         spec.Release,
		Inventory:       spec.Inventory,
		KnownAfterApply: spec.KnownAfterApply,
		FingerprintKey:  key,
	})
}

var _ deploy.HelmStage = (*helm.Stage)(nil)
