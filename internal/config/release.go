package config

import (
	"maps"
	"time"
)

// DefaultTimeout is how long a release deploy waits for readiness when the
// release sets no timeout.
const DefaultTimeout = 5 * time.Minute

// DefaultMaxHistory is how many revisions of a release Helm keeps when the
// release sets no max_history (Helm's own default for upgrades).
const DefaultMaxHistory = 10

// DeployOptions are the deploy settings of a release with the defaults
// applied: what `helm upgrade --install` would be given as flags.
type DeployOptions struct {
	// Wait waits for every object to be ready (default true); without it
	// a deploy counts as done once the objects are created, and only the
	// chart's hooks are waited for.
	Wait bool
	// WaitForJobs also waits for every Job to complete (default: Wait).
	WaitForJobs bool
	// Atomic rolls a failed upgrade back and uninstalls a failed install
	// (default: Wait, since deciding that a deploy failed needs the wait).
	Atomic bool
	// CreateNamespace creates the namespace on install (default true).
	CreateNamespace bool
	// SkipCRDs leaves out the CustomResourceDefinitions of the chart's
	// crds/ directory on install.
	SkipCRDs bool
	// SkipSchemaValidation turns off the check of the values against the
	// chart's values.schema.json.
	SkipSchemaValidation bool
	// Timeout bounds each wait (default DefaultTimeout).
	Timeout time.Duration
	// MaxHistory is how many revisions are kept; 0 means no limit
	// (default DefaultMaxHistory).
	MaxHistory int
	// Labels are added to the release's records (as helm --labels), not
	// to the chart's objects.
	Labels map[string]string
}

// DeployOptions returns the release's deploy settings with the defaults
// applied.
func (r Release) DeployOptions() DeployOptions {
	o := DeployOptions{
		Wait:                 boolOr(r.Wait, true),
		CreateNamespace:      boolOr(r.CreateNamespace, true),
		SkipCRDs:             r.SkipCRDs,
		SkipSchemaValidation: r.SkipSchemaValidation,
		Timeout:              time.Duration(r.Timeout),
		MaxHistory:           DefaultMaxHistory,
		Labels:               maps.Clone(r.Labels),
	}
	o.WaitForJobs = boolOr(r.WaitForJobs, o.Wait)
	o.Atomic = boolOr(r.Atomic, o.Wait)
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if r.MaxHistory != nil {
		o.MaxHistory = *r.MaxHistory
	}
	return o
}

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}
