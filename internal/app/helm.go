package app

import (
	"flag"
	"strings"
	"unicode"
)

// This file holds what the command line gives the Helm stages: the
// --kube-context flag and the environment variables set values read.

// registerKubeContext adds --kube-context to a command that deploys or
// checks Helm releases.
func (a *invocation) registerKubeContext(fs *flag.FlagSet) {
	fs.StringVar(&a.kubeContext, "kube-context", "", "use this kubeconfig `context` for the Helm releases of every environment without a cluster: block, instead of its kube_context (such as the context of GitLab's agent for Kubernetes)")
}

// checkKubeContext refuses a --kube-context that no kubeconfig could name:
// blank, or holding control characters.
func (a *invocation) checkKubeContext() error {
	c := a.kubeContext
	if c == "" {
		return nil
	}
	if strings.TrimSpace(c) == "" || strings.ContainsFunc(c, unicode.IsControl) {
		return usagef("%s: --kube-context %q is not a kubeconfig context name (no blanks only, no control characters)", a.name, c)
	}
	return nil
}

// lookupEnv reads an environment variable for set values' {env.NAME}:
// Deps.LookupEnv, else Getenv, where an empty value counts as unset.
func (a *invocation) lookupEnv(name string) (string, bool) {
	if a.deps.LookupEnv != nil {
		return a.deps.LookupEnv(name)
	}
	if a.deps.Getenv == nil {
		return "", false
	}
	v := a.deps.Getenv(name)
	return v, v != ""
}
