package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/check"
	"github.com/tierdeploy/tierdeploy/internal/checkinput"
	"github.com/tierdeploy/tierdeploy/internal/golden"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// dbPassword is the sensitive variable of the test configurations.
const dbPassword = "hunter2-rds-master-password"

// platformConfig is a small platform: a bucket with its public access
// block, a PostgreSQL instance and an image repository.
const platformConfig = awsProvider + `
variable "public" {
  type    = bool
  default = false
}

variable "deletion_protection" {
  type    = bool
  default = true
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "meltano-logs-example"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = !var.public
  ignore_public_acls      = true
  restrict_public_buckets = !var.public
}

resource "aws_db_instance" "main" {
  identifier                = "meltano"
  engine                    = "postgres"
  engine_version            = "16.4"
  instance_class            = "db.t4g.small"
  allocated_storage         = 20
  username                  = "meltano"
  password                  = var.db_password
  deletion_protection       = var.deletion_protection
  final_snapshot_identifier = "meltano-final"
}

resource "aws_ecr_repository" "main" {
  name                 = "meltano/meltano"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

output "database_password" {
  value     = var.db_password
  sensitive = true
}
`

// referenceDirs are the reference deployment's policies of the
// infrastructure tier in an environment.
func referenceDirs(env string) []string { return []string{"policy/terraform", "policy/" + env} }

// platformInput plans platformConfig with the terraform stage and builds
// the policy input from the plan JSON it keeps.
func platformInput(t *testing.T, env, vars string, labels ...string) (checkinput.Input, []byte) {
	t.Helper()
	tofu, tenv := tofuAWS(t)
	dir := writeConfig(t, map[string]string{"main.tf": platformConfig, "test.tfvars": vars})
	stack := plan.Stack{Tier: "infrastructure", Environment: env}
	res, js := stagePlan(t, tofu, append(tenv, "TF_VAR_db_password="+dbPassword), stack, dir, "test.tfvars")
	require.True(t, res.HasChanges)
	in, err := checkinput.Terraform(js, checkinput.Stage{Stack: stack, Name: res.Name, Command: "plan",
		Reasons: []string{"terraform/environments/" + env + "/main.tf"}, Labels: labels, Secrets: res.Secrets})
	require.NoError(t, err)
	return in, js
}

// statuses returns each check's status by package, and every message.
func statuses(res check.Result) (map[string]check.Status, []string) {
	st := map[string]check.Status{}
	var msgs []string
	for _, c := range res.Checks {
		st[c.Name] = c.Status
		for _, f := range c.Findings {
			msgs = append(msgs, f.Message)
		}
	}
	return st, msgs
}

func TestReferencePoliciesOnRealPlans(t *testing.T) {
	root := testtools.Root(t)
	tests := map[string]struct {
		env, vars string
		want      map[string]check.Status
		messages  []string
		fixture   string
	}{
		"a passing change": {env: "prod", vars: "", fixture: "private_bucket", want: map[string]check.Status{
			"terraform.s3": check.Pass, "terraform.ecr": check.Pass, "terraform.destroy": check.Pass, "prod.rds": check.Pass}},
		"deny": {env: "prod", vars: "public = true\ndeletion_protection = false\n", fixture: "public_bucket",
			want: map[string]check.Status{"terraform.s3": check.Fail, "prod.rds": check.Fail, "terraform.ecr": check.Pass},
			messages: []string{
				"aws_s3_bucket_public_access_block.logs: block_public_policy must be true: it lets the bucket be made public",
				"aws_s3_bucket_public_access_block.logs: restrict_public_buckets must be true: it lets the bucket be made public",
				"aws_db_instance.main: deletion_protection must stay on in prod",
			}},
		"warn": {env: "staging", vars: "deletion_protection = false\n",
			want:     map[string]check.Status{"terraform.s3": check.Pass, "staging.rds": check.Warn},
			messages: []string{"aws_db_instance.main: deletion_protection is off in staging"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			in, raw := platformInput(t, tc.env, tc.vars)
			require.Contains(t, string(raw), dbPassword, "tofu's plan JSON holds the password in clear")
			e, err := Load(t.Context(), Options{Root: root, Dirs: referenceDirs(tc.env)})
			require.NoError(t, err)
			res, err := e.Check(t.Context(), in)
			require.NoError(t, err)
			got, msgs := statuses(res)
			for pkg, want := range tc.want {
				assert.Equal(t, want, got[pkg], pkg)
			}
			assert.ElementsMatch(t, tc.messages, msgs)
			assert.Equal(t, tc.want["terraform.s3"] == check.Fail, res.Denied())
			if tc.fixture != "" {
				writeFixture(t, filepath.Join(root, "policy", "terraform", "testdata", tc.fixture+".json"), in)
			}
		})
	}
}

// stateWithDatabase is a state holding the database and the file system,
// as an earlier apply would have left it.
const stateWithDatabase = `{
  "version": 4, "terraform_version": "1.10.10", "serial": 3, "lineage": "3c1c8bd5-5b4d-4f06-8c1d-7a3f1d1e2b10", "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_db_instance", "name": "main", "provider": "provider[\"registry.opentofu.org/hashicorp/aws\"]",
     "instances": [{"schema_version": 2, "attributes": {"id": "db-ABCDEFGHIJKLMNOP", "identifier": "meltano", "engine": "postgres",
       "deletion_protection": false, "password": "` + dbPassword + `"}, "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}]},
    {"mode": "managed", "type": "aws_efs_file_system", "name": "logs", "provider": "provider[\"registry.opentofu.org/hashicorp/aws\"]",
     "instances": [{"schema_version": 0, "attributes": {"id": "fs-0123456789abcdef0", "encrypted": true}}]}
  ]
}`

func TestReferencePoliciesDenyDestroyingTheDatabase(t *testing.T) {
	tofu, env := tofuAWS(t)
	root := testtools.Root(t)
	// The configuration no longer has the database and the file system:
	// tofu plans to destroy both (without refreshing them from AWS).
	dir := writeConfig(t, map[string]string{"main.tf": awsProvider, "terraform.tfstate": stateWithDatabase})
	tofuRun(t, tofu, env, dir, "init", "-input=false")
	tofuRun(t, tofu, env, dir, "plan", "-input=false", "-refresh=false", "-out=destroy.tfplan")
	raw := tofuRun(t, tofu, env, dir, "show", "-json", "destroy.tfplan")
	require.Contains(t, string(raw), dbPassword)

	e, err := Load(t.Context(), Options{Root: root, Dirs: referenceDirs("prod")})
	require.NoError(t, err)
	stack := plan.Stack{Tier: "infrastructure", Environment: "prod"}
	for _, labels := range [][]string{nil, {"allow-destroy"}} {
		in, err := checkinput.Terraform(raw, checkinput.Stage{Stack: stack, Name: "terraform/environments/prod", Command: "apply", Labels: labels})
		require.NoError(t, err)
		res, err := e.Check(t.Context(), in)
		require.NoError(t, err)
		got, msgs := statuses(res)
		if labels == nil {
			assert.Equal(t, check.Fail, got["terraform.destroy"])
			assert.ElementsMatch(t, []string{
				`aws_db_instance.main would be destroyed (delete): if that is intended, add the label "allow-destroy" to the pull or merge request`,
				`aws_efs_file_system.logs would be destroyed (delete): if that is intended, add the label "allow-destroy" to the pull or merge request`,
			}, msgs)
			writeFixture(t, filepath.Join(root, "policy", "terraform", "testdata", "destroy_database.json"), in)
			continue
		}
		assert.Equal(t, check.Warn, got["terraform.destroy"], "the label lets it through, with a warning")
		assert.False(t, res.Denied())
	}
}

func TestSensitiveValuesNeverReachPolicies(t *testing.T) {
	in, raw := platformInput(t, "prod", "")
	require.Contains(t, string(raw), dbPassword)
	// A policy that tries to show everything it sees.
	root := repo(t, map[string]string{"p/leak.rego": `package leak

deny contains json.marshal(rc.change) if some rc in input.resource_changes

deny contains json.marshal({"variables": input.variables, "outputs": input.planned_values.outputs}) if true

warn contains msg if {
	walk(input, [_, value])
	is_string(value)
	contains(value, "hunter2")
	msg := value
}
`})
	e, err := Load(t.Context(), Options{Root: root, Dirs: []string{"p"}})
	require.NoError(t, err)
	res, err := e.Check(t.Context(), in)
	require.NoError(t, err)
	got, msgs := statuses(res)
	assert.Equal(t, check.Fail, got["leak"])
	require.Len(t, msgs, 5, "the denies only: no string of the input holds the password")
	all := strings.Join(msgs, "\n")
	assert.NotContains(t, all, dbPassword)
	assert.NotContains(t, all, "dummy-secret-key-for-offline-plans", "the provider's secret key in the configuration")
	assert.Contains(t, all, `"password":"`+checkinput.Marker+`"`)
	assert.Contains(t, all, `"database_password":{"sensitive":true,"type":"string","value":"`+checkinput.Marker+`"}`)
	assert.Contains(t, all, `"db_password":{"value":"`+checkinput.Marker+`"}`)
	js, err := in.JSON()
	require.NoError(t, err)
	assert.NotContains(t, string(js), dbPassword)
	assert.NotContains(t, string(in.PlanJSON()), dbPassword)
}

func TestReferencePolicyTests(t *testing.T) {
	root := testtools.Root(t)
	for _, dirs := range [][]string{referenceDirs("prod"), referenceDirs("staging"), {"policy/helm"}} {
		t.Run(strings.Join(dirs, "+"), func(t *testing.T) {
			rep, err := Test(t.Context(), TestOptions{Root: root, Dirs: dirs})
			require.NoError(t, err)
			assert.True(t, rep.OK(), rep.Text(true))
			assert.Zero(t, rep.Count(TestFail)+rep.Count(TestError), rep.Text(true))
			assert.Positive(t, rep.Count(TestPass))
		})
	}
}

// writeFixture rewrites a reference fixture with -update, and otherwise
// checks that it exists.
func writeFixture(t *testing.T, path string, in checkinput.Input) {
	t.Helper()
	// -update (internal/golden) also rewrites the reference policies' fixtures
	// (policy/*/testdata) from real plans.
	if !golden.Updating() {
		_, err := os.Stat(path)
		require.NoError(t, err, "run go test ./internal/policy -update to write it")
		return
	}
	var v any
	js, err := in.JSON()
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &v))
	// The plan's time stamp changes with every run.
	if m, ok := v.(map[string]any); ok {
		delete(m, "timestamp")
	}
	out, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, append(out, '\n'), 0o644))
}
