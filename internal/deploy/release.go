package deploy

import (
	"github.com/tierdeploy/tierdeploy/internal/cluster"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// This file holds what a stack's Helm releases get besides their
// configuration: the cluster of the stack's cluster: block, and the masks
// of the secrets their set values read.

// cluster resolves the cluster: block that applies to the stack's Helm
// releases against the inventory the stack reads; nil when none applies
// (the kubeconfig is used). Keys the infrastructure plan knows only after
// apply are listed in the Target's Pending: the releases then plan without
// the cluster, and refuse to apply.
func (r *run) cluster(s tier.Stack, in stagesInput) (*cluster.Target, error) {
	block, field := r.Config.ClusterFor(s.Tier, s.Environment)
	if block == nil {
		return nil, nil
	}
	t, err := cluster.Resolve(cluster.Input{Cluster: block, Field: field, Environment: s.Environment,
		Inventory: in.inventory, KnownAfterApply: in.knownAfterApply})
	if err != nil {
		return nil, err
	}
	if len(t.Pending) > 0 {
		r.console.Logger(s.Key()).Info("the infrastructure plan creates or replaces the cluster: its Helm releases render without it",
			"stack", s.Key().String(), "cluster", t.Name(), "known_after_apply", t.Pending)
	}
	return &t, nil
}

// mask registers secrets with the CI runner, each once per run, before
// anything of the stage that learnt them is logged.
func (r *run) mask(secrets []string) {
	if r.Masker == nil || len(secrets) == 0 {
		return
	}
	r.maskMu.Lock()
	defer r.maskMu.Unlock()
	for _, s := range uniqueSecrets(secrets) {
		if r.masked[s] {
			continue
		}
		if err := r.Masker.AddMask(s); err != nil {
			r.log.Warn("could not register a secret with the CI runner", "error", err)
			continue
		}
		r.masked[s] = true
	}
}
