package main

import (
	"context"
	"os"

	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/terraform"
)

// terraformStage adapts *terraform.Stage to what the flow calls.
type terraformStage struct {
	s *terraform.Stage
}

// newTerraform builds a Terraform stage; key keys its fingerprints.
func newTerraform(spec deploy.TerraformSpec, key []byte) (deploy.TerraformStage, error) {
	s, err := terraform.New(terraform.Options{
		Binary:         spec.Binary,
		Env:            withoutFingerprintKey(os.Environ()),
		Log:            spec.Log,
		PluginCacheDir: spec.PluginCacheDir,
		Stack:          spec.Stack,
		Name:           spec.Name,
		Dir:            spec.Dir,
		WorkDir:        spec.WorkDir,
		VarFiles:       spec.VarFiles,
		Workspace:      spec.Workspace,
		BackendConfig:  spec.BackendConfig,
		LockTimeout:    spec.LockTimeout,
		Secrets:        spec.Secrets,
		FingerprintKey: key,
	})
	if err != nil {
		return nil, err
	}
	return terraformStage{s: s}, nil
}

func (t terraformStage) Plan(ctx context.Context, refreshOnly bool) (plan.Result, error) {
	return t.s.Plan(ctx, terraform.PlanOptions{RefreshOnly: refreshOnly})
}

func (t terraformStage) Apply(ctx context.Context) error {
	return t.s.Apply(ctx, t.s.PlanFile())
}

func (t terraformStage) Outputs(ctx context.Context) (map[string]inventory.Output, error) {
	outs, err := t.s.Outputs(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]inventory.Output, len(outs))
	for k, o := range outs {
		m[k] = inventory.Output{Sensitive: o.Sensitive, Value: o.Value}
	}
	return m, nil
}
