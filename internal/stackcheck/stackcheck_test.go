package stackcheck

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/policy"
)

const cfgYAML = `version: 1
environments: [{name: prod}]
tiers:
  - name: infrastructure
    terraform: {dir: terraform}
    policies: [policy/terraform]
    checks:
      - name: adds
        command: [scripts/adds.sh]
        stages: [terraform]
  - name: project
    needs: [infrastructure]
    helm:
      - release: web
        chart: charts/web
    policies: [policy/helm]
  - name: plain
    terraform: {dir: terraform}
`

const tfPolicy = `package terraform.names

deny contains sprintf("%s: %s", [rc.address, rc.change.after.input]) if {
	some rc in input.resource_changes
	startswith(rc.change.after.input, "forbidden")
}

warn contains "labelled" if "allow-destroy" in input.tierdeploy.labels
`

const helmPolicy = `package helm.kinds

deny contains sprintf("%s in %s: no Secrets in charts", [obj.metadata.name, input.tierdeploy.release.name]) if {
	some obj in input.objects
	obj.kind == "Secret"
}
`

func repo(t *testing.T) *config.Config {
	t.Helper()
	root := t.TempDir()
	for name, body := range map[string]string{
		"tierdeploy.yaml":             cfgYAML,
		"terraform/main.tf":           "",
		"charts/web/Chart.yaml":       "apiVersion: v2\nname: web\nversion: 1.0.0\n",
		"policy/terraform/names.rego": tfPolicy,
		"policy/helm/kinds.rego":      helmPolicy,
		"scripts/adds.sh":             "#!/bin/sh\ngrep -q forbidden \"$TIERDEPLOY_PLAN_JSON\" && exit 1\nexit 0\n",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o755))
	}
	cfg, err := config.Load(filepath.Join(root, "tierdeploy.yaml"))
	require.NoError(t, err)
	return cfg
}

func tfPlan(input string) []byte {
	return []byte(`{"resource_changes":[{"address":"terraform_data.x","mode":"managed","type":"terraform_data",` +
		`"change":{"actions":["create"],"after":{"input":"` + input + `"},"after_sensitive":{}}}]}`)
}

func TestCheckStack(t *testing.T) {
	cfg := repo(t)
	r := New(Options{Config: cfg, Env: []string{"PATH=" + os.Getenv("PATH")}, TempDir: t.TempDir()})
	infra := plan.Stack{Tier: "infrastructure", Environment: "prod"}
	tf := func(input string) Stage {
		return Stage{Result: plan.Result{Stack: infra, Kind: plan.Terraform, Name: "terraform", HasChanges: true}, PlanJSON: tfPlan(input)}
	}

	res, _, err := r.Check(t.Context(), Stack{Stack: infra, Command: "plan", Stages: []Stage{tf("fine")}})
	require.NoError(t, err)
	require.Len(t, res.Checks, 2)
	assert.Equal(t, check.Pass, res.Status())
	assert.Equal(t, check.Policy, res.Checks[0].Kind)
	assert.Equal(t, check.Command, res.Checks[1].Kind)

	res, _, err = r.Check(t.Context(), Stack{Stack: infra, Command: "apply", Labels: []string{"allow-destroy"}, Stages: []Stage{tf("forbidden-name")}})
	require.NoError(t, err)
	assert.True(t, res.Denied())
	assert.Equal(t, check.Fail, res.Checks[0].Status)
	assert.Equal(t, []check.Finding{
		{Status: check.Fail, Rule: "deny", Message: "terraform_data.x: forbidden-name"},
		{Status: check.Warn, Rule: "warn", Message: "labelled"},
	}, res.Checks[0].Findings)
	assert.Equal(t, check.Fail, res.Checks[1].Status, "the checker sees the plan too")

	failed := tf("forbidden")
	failed.Result.Err = errors.New("plan failed")
	res, _, err = r.Check(t.Context(), Stack{Stack: infra, Command: "plan", Stages: []Stage{failed}})
	require.NoError(t, err)
	assert.Empty(t, res.Checks, "a failed stage is not checked")
}

func TestCheckHelmStage(t *testing.T) {
	cfg := repo(t)
	r := New(Options{Config: cfg})
	project := plan.Stack{Tier: "project", Environment: "prod"}
	rel := cfg.Tier("project").Helm[0]
	manifest := "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {password: hunter2-helm-secret}\n"
	res, secrets, err := r.Check(t.Context(), Stack{Stack: project, Command: "plan", Stages: []Stage{
		{Result: plan.Result{Stack: project, Kind: plan.Helm, Name: "web"}, Manifest: manifest, Release: &rel}}})
	require.NoError(t, err)
	require.Len(t, res.Checks, 1)
	assert.Equal(t, []check.Finding{{Status: check.Fail, Rule: "deny", Message: "creds in web: no Secrets in charts"}}, res.Checks[0].Findings)
	assert.Contains(t, secrets, "hunter2-helm-secret")
}

func TestCheckWithoutChecksAndBadPolicies(t *testing.T) {
	cfg := repo(t)
	r := New(Options{Config: cfg})
	res, _, err := r.Check(t.Context(), Stack{Stack: plan.Stack{Tier: "plain", Environment: "prod"}, Stages: []Stage{
		{Result: plan.Result{Kind: plan.Terraform, Name: "terraform"}, PlanJSON: []byte("not json")}}})
	require.NoError(t, err)
	assert.Empty(t, res.Checks)

	require.NoError(t, New(Options{Config: cfg}).Prepare(t.Context()))
	require.NoError(t, os.WriteFile(filepath.Join(cfg.Root, "policy", "helm", "kinds.rego"), []byte("package helm.kinds\n\ndeny contains x if {\n"), 0o644))
	err = New(Options{Config: cfg}).Prepare(t.Context())
	require.ErrorIs(t, err, policy.ErrInvalid)
	assert.Contains(t, err.Error(), "policy/helm/kinds.rego:4")
	_, _, err = New(Options{Config: cfg}).Check(t.Context(), Stack{Stack: plan.Stack{Tier: "project", Environment: "prod"}})
	require.ErrorIs(t, err, policy.ErrInvalid)
	assert.Contains(t, err.Error(), "policy/helm/kinds.rego:")

	_, _, err = r.Check(t.Context(), Stack{Stack: plan.Stack{Tier: "infrastructure", Environment: "prod"}, Stages: []Stage{
		{Result: plan.Result{Kind: plan.Terraform, Name: "terraform"}, PlanJSON: []byte("not json")}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "plan JSON")
}
