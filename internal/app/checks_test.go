package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// fakePolicies is Policies with function fields.
type fakePolicies struct {
	prepare func(ctx context.Context) error
	check   func(ctx context.Context, p deploy.StackPlan) (check.Result, []string, error)
	test    func(ctx context.Context, root string, dirs []string, run string) (PolicyTests, error)
}

func (f *fakePolicies) Checks(*config.Config) StackChecks { return fakeStackChecks{f} }

func (f *fakePolicies) Test(ctx context.Context, root string, dirs []string, run string) (PolicyTests, error) {
	return f.test(ctx, root, dirs, run)
}

type fakeStackChecks struct{ f *fakePolicies }

func (c fakeStackChecks) Prepare(ctx context.Context) error {
	if c.f.prepare == nil {
		return nil
	}
	return c.f.prepare(ctx)
}

func (c fakeStackChecks) Check(ctx context.Context, p deploy.StackPlan) (check.Result, []string, error) {
	if c.f.check == nil {
		return check.Result{}, nil, nil
	}
	return c.f.check(ctx, p)
}

// fakeTests is a policy test report.
type fakeTests struct {
	text string
	ok   bool
}

func (r fakeTests) Text(bool) string { return r.text }
func (r fakeTests) OK() bool         { return r.ok }

func (r fakeTests) JUnit() ([]byte, error) {
	return []byte("<testsuites tests=\"1\"><!-- " + r.text + " --></testsuites>\n"), nil
}

// checkedStage is a Terraform stage that tells its plan JSON.
type checkedStage struct{ fakeStage }

func (checkedStage) PlanJSON() ([]byte, error) { return []byte(`{"resource_changes":[]}`), nil }

// policyRepo is the test repository with a policy on the infrastructure
// tier.
func policyRepo(t *testing.T) *gittest.Repo {
	r := newRepo(t)
	r.Write(map[string]string{
		"tierdeploy.yaml":        strings.Replace(repoConfig, "    publishes_inventory: true\n", "    publishes_inventory: true\n    policies: [policy]\n", 1),
		"policy/terraform.rego":  "package terraform\n",
		"infra/envs/prod/new.tf": "# a change\n",
	})
	r.Commit("policies")
	return r
}

// checksCLI runs the command line with fake stages and policies; it
// returns the exit code, the outputs and how many stages were built.
func checksCLI(t *testing.T, pol Policies, env map[string]string, args ...string) (int, string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	var built atomic.Int32
	tools := fakeTools{bin: deploy.Binary{Path: "/opt/bin/tofu"}, newTerraform: func(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
		built.Add(1)
		return checkedStage{fakeStage{plan: func(context.Context, bool) (plan.Result, error) {
			return plan.Result{HasChanges: true, Counts: plan.Counts{Add: 1}, Fingerprint: "sha256:1"}, nil
		}}}, nil
	}}
	code := Main(t.Context(), Deps{
		Args: args, Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Git:    func(dir string) GitRunner { return &changes.Git{Dir: dir} },
		Tools:  tools,
		NewStore: func(_ context.Context, cfg *config.Config) (InventoryStore, error) {
			return filestore.New(filestore.Options{Dir: filepath.Join(cfg.Root, cfg.FileStoreDir())})
		},
		Policies: pol,
	})
	return code, stdout.String(), stderr.String(), int(built.Load())
}

func TestABadPolicyStopsTheRunBeforeAnyStage(t *testing.T) {
	r := policyRepo(t)
	bad := &fakePolicies{prepare: func(context.Context) error {
		return fmt.Errorf("policy policy/terraform.rego:3:5: rego_parse_error: unexpected eof token: %w", check.ErrInvalidPolicy)
	}}
	for _, args := range [][]string{
		{"plan", "--all"},
		{"apply", "--all", "--environment", "prod"},
		{"validate"},
	} {
		t.Run(args[0], func(t *testing.T) {
			code, stdout, stderr, built := checksCLI(t, bad, nil, append([]string{"--chdir", r.Dir}, args...)...)
			assert.Equal(t, ExitInput, code)
			assert.Contains(t, stderr, "tierdeploy: policy policy/terraform.rego:3:5: rego_parse_error")
			assert.Zero(t, built, "no stage was built")
			assert.Empty(t, stdout)
		})
	}

	code, stdout, stderr, _ := checksCLI(t, &fakePolicies{}, nil, "--chdir", r.Dir, "validate")
	assert.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "policies compiled (policy)")
}

func TestChecksRunInPlanAndApply(t *testing.T) {
	r := policyRepo(t)
	var seen []string
	pol := &fakePolicies{check: func(_ context.Context, p deploy.StackPlan) (check.Result, []string, error) {
		seen = append(seen, string(p.Command)+" "+p.Stack.Key().String())
		res := check.Result{Checks: []check.Check{{Kind: check.Policy, Name: "terraform", StageKind: plan.Terraform, Stage: "infra/envs/prod", Status: check.Fail,
			Findings: []check.Finding{{Status: check.Fail, Rule: "deny", Message: "no"}}}}}
		return res, nil, nil
	}}
	code, stdout, stderr, _ := checksCLI(t, pol, nil, "--chdir", r.Dir, "plan", "--all", "--tier", "infrastructure", "--environment", "prod")
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stdout, "denied by checks")
	assert.Contains(t, stderr, "1 of 1 stacks failed: infrastructure/prod")

	code, stdout, _, _ = checksCLI(t, pol, nil, "--chdir", r.Dir, "apply", "--all", "--tier", "infrastructure", "--environment", "prod")
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stdout, "not applied: the stack's checks failed")
	assert.Equal(t, []string{"plan infrastructure/prod", "apply infrastructure/prod"}, seen)
}

func TestPoliciesNeedABuildThatRunsThem(t *testing.T) {
	r := policyRepo(t)
	code, _, stderr, built := checksCLI(t, nil, nil, "--chdir", r.Dir, "plan", "--all")
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stderr, "this build cannot run them")
	assert.Zero(t, built)

	// Without policies, there is nothing to run.
	r2 := newRepo(t)
	code, _, stderr, _ = checksCLI(t, nil, nil, "--chdir", r2.Dir, "plan", "--all", "--tier", "infrastructure")
	assert.Equal(t, ExitOK, code, stderr)
}

func TestTestPolicies(t *testing.T) {
	r := policyRepo(t)
	tests := []struct {
		name   string
		args   []string
		answer func(run string) (PolicyTests, error)
		env    map[string]string
		code   int
		stdout string
		stderr string
	}{
		{name: "passing", answer: func(string) (PolicyTests, error) { return fakeTests{text: "PASS: 3/3\n", ok: true}, nil },
			code: ExitOK, stdout: "PASS: 3/3\n"},
		{name: "failing", answer: func(string) (PolicyTests, error) { return fakeTests{text: "FAIL: 1/3", ok: false}, nil },
			code: ExitFailed, stdout: "FAIL: 1/3\n", stderr: "policy tests failed"},
		{name: "run filter", args: []string{"--run", "s3"}, answer: func(run string) (PolicyTests, error) {
			return fakeTests{text: "ran " + run + "\n", ok: true}, nil
		}, code: ExitOK, stdout: "ran s3\n"},
		{name: "bad filter", args: []string{"--run", "("}, code: ExitInput, stderr: "is not a regular expression"},
		{name: "policy does not compile", answer: func(string) (PolicyTests, error) {
			return nil, fmt.Errorf("policy policy/s3_test.rego:7: rego_type_error: undefined function: %w", check.ErrInvalidPolicy)
		}, code: ExitInput, stderr: "policy/s3_test.rego:7"},
		{name: "test output is fenced on GitHub", env: map[string]string{"GITHUB_ACTIONS": "true"},
			answer: func(string) (PolicyTests, error) {
				return fakeTests{text: "FAIL: policy/s3_test.rego:3: data.s3_test.test_x\n  ::add-mask::nothing\n", ok: false}, nil
			}, code: ExitFailed, stdout: "::stop-commands::"},
		{name: "extra argument", args: []string{"now"}, code: ExitInput, stderr: "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := &fakePolicies{test: func(_ context.Context, _ string, dirs []string, run string) (PolicyTests, error) {
				if !assert.Equal(t, []string{"policy"}, dirs) {
					return nil, errors.New("wrong directories")
				}
				return tt.answer(run)
			}}
			code, stdout, stderr, _ := checksCLI(t, pol, tt.env, append([]string{"--chdir", r.Dir, "test-policies"}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}

	code, _, stderr, _ := checksCLI(t, &fakePolicies{}, nil, "--chdir", newRepo(t).Dir, "test-policies")
	assert.Equal(t, ExitInput, code)
	assert.Contains(t, stderr, "no tier of tierdeploy.yaml has policies")

	code, _, stderr, _ = checksCLI(t, nil, nil, "--chdir", r.Dir, "test-policies")
	assert.Equal(t, ExitFailed, code)
	assert.Contains(t, stderr, "cannot run policy tests")

	assert.True(t, badInput(fmt.Errorf("x: %w", check.ErrInvalidPolicy)))
	assert.False(t, badInput(errors.New("invalid policy")), "decided on the error, never its words")
}

func TestTestPoliciesOfSomeTiers(t *testing.T) {
	r := newRepo(t)
	cfg := strings.Replace(repoConfig, "    publishes_inventory: true\n", "    publishes_inventory: true\n    policies: [policy/terraform, \"policy/{environment}\"]\n", 1)
	cfg = strings.Replace(cfg, "    paths: [\"project/**\"]\n", "    paths: [\"project/**\"]\n    policies: [policy/helm]\n", 1)
	r.Write(map[string]string{
		"tierdeploy.yaml": cfg, "policy/terraform/a.rego": "package a\n", "policy/staging/b.rego": "package b\n",
		"policy/prod/c.rego": "package c\n", "policy/helm/d.rego": "package d\n",
	})
	r.Commit("policies of two tiers")
	for _, tt := range []struct {
		args []string
		want []string
		code int
	}{
		{nil, []string{"policy/terraform", "policy/staging", "policy/prod", "policy/helm"}, ExitOK},
		// The GitHub Action passes both flags, empty when not set.
		{[]string{"--environment=", "--tier="}, []string{"policy/terraform", "policy/staging", "policy/prod", "policy/helm"}, ExitOK},
		{[]string{"--tier", "project"}, []string{"policy/helm"}, ExitOK},
		{[]string{"--environment", "prod"}, []string{"policy/terraform", "policy/prod", "policy/helm"}, ExitOK},
		{[]string{"--tier", "infrastructure", "--environment", "staging"}, []string{"policy/terraform", "policy/staging"}, ExitOK},
		{[]string{"--tier", "infra"}, nil, ExitInput},
		{[]string{"--environment", "dev"}, nil, ExitInput},
	} {
		var got []string
		pol := &fakePolicies{test: func(_ context.Context, root string, dirs []string, _ string) (PolicyTests, error) {
			assert.Equal(t, r.Dir, root)
			got = dirs
			return fakeTests{text: "PASS: 1/1\n", ok: true}, nil
		}}
		code, _, stderr, _ := checksCLI(t, pol, nil, append([]string{"--chdir", r.Dir, "test-policies"}, tt.args...)...)
		assert.Equal(t, tt.code, code, "%v: %s", tt.args, stderr)
		assert.Equal(t, tt.want, got, tt.args)
	}
}
