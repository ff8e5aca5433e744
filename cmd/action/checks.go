package main

import (
	"context"
	"errors"
	"os"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/helm"
	"github.com/tierdeploy/tierdeploy/internal/policy"
	"github.com/tierdeploy/tierdeploy/internal/stackcheck"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// policies runs the checks of planned stacks with internal/stackcheck and
// the policy tests with internal/policy.
type policies struct{}

var _ app.Policies = policies{}

func (policies) Checks(cfg *config.Config) app.StackChecks {
	// A checker is the repository's code and its output is published: it
	// never gets the fingerprint key (the platform's tokens are removed by
	// the checker itself).
	return stackChecks{r: stackcheck.New(stackcheck.Options{Config: cfg, Env: withoutFingerprintKey(os.Environ())})}
}

func (policies) Test(ctx context.Context, root string, dirs []string, run string) (app.PolicyTests, error) {
	rep, err := policy.Test(ctx, policy.TestOptions{Root: root, Dirs: dirs, Run: run})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// stackChecks adapts a *stackcheck.Runner to the flow's Checker.
type stackChecks struct{ r *stackcheck.Runner }

func (c stackChecks) Prepare(ctx context.Context) error { return c.r.Prepare(ctx) }

func (c stackChecks) Check(ctx context.Context, p deploy.StackPlan) (check.Result, []string, error) {
	s := stackcheck.Stack{Stack: p.Stack.Key(), Command: string(p.Command), Reasons: tier.Strings(p.Stack.Reasons),
		Labels: p.Labels, Inventory: p.Inventory, Predicted: p.Predicted}
	for _, st := range p.Stages {
		s.Stages = append(s.Stages, stackcheck.Stage{Result: st.Result, PlanJSON: st.PlanJSON, Manifest: st.Manifest, Release: st.Release})
	}
	return c.r.Check(ctx, s)
}

// PlanJSON returns the JSON of the last plan (`show -json`), which the
// stage keeps beside the plan file.
func (t terraformStage) PlanJSON() ([]byte, error) {
	f := t.s.PlanFile()
	if f == "" {
		return nil, errors.New("no plan to check")
	}
	return os.ReadFile(f + ".json")
}

var (
	_ deploy.TerraformPlanJSON = terraformStage{}
	_ deploy.HelmManifest      = (*helm.Stage)(nil)
)
