package config

import (
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("version: 1\ntiers:\n  - name: a\n    terraform: {dir: a}\n"))
	f.Add([]byte("version: 1\ntiers: [{name: a, needs: [a], helm: [{release: x, chart: c}]}]\n"))
	f.Add([]byte("version: 1\nenvironments: [{name: a}, {name: a}]\ntiers: &x [*x]\n"))
	f.Add([]byte("{version: 1, inventory: {ssm: {name: '/{environment}'}}}"))
	f.Add([]byte(releaseConfig("        wait: false\n        set: {a.b: '{env.X}-{commit}', c: 1}\n        env: [{name: X, secret: true}]\n        labels: {a: b}\n")))
	f.Add([]byte(withCluster))
	f.Add([]byte(withTools))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("tierdeploy.yaml", data)
		if err != nil {
			var errs *Errors
			if !errors.As(err, &errs) || len(errs.Problems) == 0 {
				t.Fatalf("error is not a non-empty *Errors: %v", err)
			}
			if errs.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		// A valid configuration satisfies the invariants the rest relies on.
		if cfg.Version != 1 || len(cfg.Tiers) == 0 || len(cfg.Environments) == 0 {
			t.Fatalf("invalid configuration accepted: %+v", cfg)
		}
		seen := map[string]bool{}
		for _, tr := range cfg.Tiers {
			if seen[tr.Name] || tr.Name == "" {
				t.Fatalf("duplicate or empty tier name %q accepted", tr.Name)
			}
			seen[tr.Name] = true
			for _, n := range tr.Needs {
				if cfg.Tier(n) == nil || n == tr.Name {
					t.Fatalf("bad needs %q accepted", n)
				}
			}
			for _, r := range tr.Helm {
				o := r.DeployOptions()
				if o.Atomic && !o.Wait || o.WaitForJobs && !o.Wait || o.Timeout <= 0 || o.MaxHistory < 0 {
					t.Fatalf("inconsistent deploy options accepted: %+v", o)
				}
				// Expansion of a valid set fails only for a missing value.
				if _, err := r.ExpandSet(Vars{Environment: "e", Commit: "c"}); err != nil && !errors.Is(err, ErrUnset) {
					t.Fatalf("valid set does not expand: %v", err)
				}
			}
			for _, e := range cfg.Environments {
				if cl, _ := cfg.ClusterFor(tr.Name, e.Name); cl != nil && (cl.Endpoint == "" || cl.CAData == "" || cl.EKS == nil || cl.EKS.ClusterName == "") {
					t.Fatalf("incomplete cluster block accepted: %+v", cl)
				}
			}
		}
	})
}
