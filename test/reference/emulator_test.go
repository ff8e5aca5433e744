package reference

import (
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/kubernetes"

	"github.com/tierdeploy/tierdeploy/internal/gittest"
	"github.com/tierdeploy/tierdeploy/internal/kubetest"
	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// The reference's staging environment, as terraform/environments/staging
// and tierdeploy.reference.yaml name it.
const (
	stagingAccount = "111111111111"
	stagingRegion  = "eu-west-1"
	stateBucket    = "example-meltano-staging-tfstate"
	stateKey       = "infrastructure/terraform.tfstate"
	inventoryParam = "/meltano/staging/inventory"
	stagingRoot    = "terraform/environments/staging"
	overrideFile   = moduleDir + "/emulator_override.tf"
	// hostileTag is a tag value set outside Terraform: a GitHub workflow
	// command that must never reach the runner as one.
	hostileTag = "::error::drift-injected"
	// forgedIssue is the body of an issue another account wrote with
	// tierdeploy's drift marker.
	forgedIssue = "<!-- tierdeploy:drift environment=staging stack=infrastructure -->\nforged: close me"
)

// emulatorRun is what the steps of the end-to-end test share.
type emulatorRun struct {
	// airflowChart is the official Airflow chart of the shared test data.
	airflowChart string
	moto         *testtools.MotoServer
	repo         *gittest.Repo
	td           *cli
	tofu         string
	gh           *issueHost
}

// TestReferenceOnEmulator runs the reference deployment through the
// tierdeploy binary against an AWS API emulator (moto) with the AWS
// provider 5.100.0 from the machine's mirror and OpenTofu, as
// tierdeploy.reference.yaml says: every module resource planned; applied
// with the stand-ins of emulator_gaps_test.go, state in an S3 backend of
// the emulator; the inventory published to its SSM with the commit's label
// and read back; deploy/bootstrap.sh run against the emulator; the project
// tier (charts/meltano and the official Airflow chart) planned and
// installed from that inventory on a local control plane (kubetest; the
// emulator's EKS endpoint answers nothing, see projectOverlay); drift made
// through the emulator's API (a tag on the ECR repository, the database's
// instance class, a renamed database) reported by a scheduled drift run as
// drift and as inventory drift; a second apply of a changed instance class
// that leaves the inventory's version and the project tier alone; and a
// change of an output that moves the version and redeploys the project
// tier.
func TestReferenceOnEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu, the AWS provider and an AWS API emulator")
	}
	began := time.Now()
	// Every piece first, so that a missing one skips (or fails, under CI)
	// the whole test before anything runs.
	testtools.AWSProvider(t)
	e := &emulatorRun{tofu: testtools.Tofu(t), airflowChart: testtools.SharedTestdata(t, "charts/airflow")}
	kubetest.ToolOptions(t)
	for _, tool := range []string{"aws", "bash", "jq", "kubectl", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			testtoolsMissing(t, tool+" is not on PATH (the AWS CLI, and what deploy/bootstrap.sh needs; scripts/install-tools.sh aws checks them)")
		}
	}
	e.moto = testtools.Moto(t, testtools.MotoOptions{AccountID: stagingAccount, Region: stagingRegion})
	e.repo = referenceRepo(t)
	e.td = newCLI(t, tierdeployBinary(t), e.repo.Dir)
	e.td.set(e.moto.Env()...)
	e.td.set(testtools.TofuEnv(t)...)
	e.td.set(
		"PATH="+filepath.Dir(e.tofu)+string(os.PathListSeparator)+os.Getenv("PATH"),
		// The reference asks for OpenTofu >= 1.10: take the one on PATH,
		// download nothing.
		"TIERDEPLOY_OFFLINE=true", "TIERDEPLOY_TOOL_CACHE="+t.TempDir(),
		"KUBECONFIG="+filepath.Join(t.TempDir(), "none"),
	)
	e.gh = newIssueHost(t)
	// Someone else's issue that copies tierdeploy's marker and label: it
	// must be neither taken for tierdeploy's nor edited.
	e.gh.seed("mallory", "Drift in infrastructure/staging", forgedIssue, "tierdeploy-drift")
	logGaps(t)
	t.Logf("moto %s, OpenTofu %s, repository %s (set up in %s)", e.moto.URL, e.tofu, e.repo.Dir, time.Since(began).Round(time.Second))

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"the state bucket", e.stateBucket},
		{"every module resource is planned", e.planEverything},
		{"apply publishes the inventory", e.applyPublishes},
		{"the inventory reads back", e.inventoryReadsBack},
		{"deploy/bootstrap.sh runs against the emulator", e.bootstrap},
		{"the project tier is deployed from the inventory", e.projectTier},
		{"right after apply nothing differs", e.inSync},
		{"a renamed database is drift, then inventory drift", e.renamedDatabase},
		{"a tag and an instance class changed outside are drift", e.changedOutside},
		{"a second apply changes the class and keeps the inventory version", e.secondApply},
		{"a changed output moves the inventory version", e.changedOutput},
		{"no secret reached any output", e.noSecretLeaked},
	}
	for _, s := range steps {
		stepBegan := time.Now()
		if !t.Run(s.name, s.run) {
			t.Fatalf("step %q failed; the later steps depend on it (moto's log tail:\n%s)", s.name, tailLines(e.moto.Log(), 20))
		}
		t.Logf("step %q took %s", s.name, time.Since(stepBegan).Round(time.Second))
	}
	t.Logf("the reference on the emulator took %s", time.Since(began).Round(time.Second))
}

// aws runs the AWS CLI against the emulator.
func (e *emulatorRun) aws(t *testing.T, args ...string) string {
	t.Helper()
	return command(t, e.repo.Dir, e.moto.Env(), "aws", append(args, "--output", "json")...)
}

// ssmClient is an SSM client of the emulator, for what the CLI does not
// print (labels as stored, parameter types).
func (e *emulatorRun) ssmClient() *ssm.Client {
	return ssm.New(ssm.Options{
		Region: stagingRegion, BaseEndpoint: aws.String(e.moto.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
}

// operatorTofu runs OpenTofu in the staging root as an operator would by
// hand, with its own data directory.
func (e *emulatorRun) operatorTofu(t *testing.T, args ...string) string {
	t.Helper()
	env := append(append(e.moto.Env(), testtools.TofuEnv(t)...), "TF_DATA_DIR="+filepath.Join(t.TempDir(), "data"))
	command(t, filepath.Join(e.repo.Dir, stagingRoot), env, e.tofu, "init", "-input=false", "-no-color")
	return command(t, filepath.Join(e.repo.Dir, stagingRoot), env, e.tofu, append(args, "-no-color")...)
}

// driftOnGitHub runs the drift check as a scheduled GitHub Actions run
// would, with the issues kept by e.gh.
func (e *emulatorRun) driftOnGitHub(t *testing.T) (int, string, string) {
	t.Helper()
	c := *e.td
	c.env = maps.Clone(e.td.env)
	c.set(e.gh.scheduledRun(t, e.repo.Git("rev-parse", "HEAD"))...)
	c.set("GITHUB_WORKSPACE=" + e.repo.Dir)
	code, stdout, stderr := c.run(t, "drift", "--environment", "staging", "--tier", "infrastructure")
	for _, out := range []string{stdout, stderr} {
		for _, line := range strings.Split(out, "\n") {
			require.False(t, strings.HasPrefix(line, hostileTag), "a tag value reached the runner as a workflow command: %q", line)
		}
	}
	return code, stdout, stderr
}

func (e *emulatorRun) stateBucket(t *testing.T) {
	// As terraform/README.md says: versioned, public access blocked.
	e.aws(t, "s3api", "create-bucket", "--bucket", stateBucket,
		"--create-bucket-configuration", "LocationConstraint="+stagingRegion)
	e.aws(t, "s3api", "put-bucket-versioning", "--bucket", stateBucket,
		"--versioning-configuration", "Status=Enabled")
	e.aws(t, "s3api", "put-public-access-block", "--bucket", stateBucket, "--public-access-block-configuration",
		"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
}

// plannedResource matches a resource line of the report's resource list.
var plannedResource = regexp.MustCompile(`(?m)^\+\s+module\.infrastructure\.([a-z0-9_]+\.[a-z0-9_]+)`)

func (e *emulatorRun) planEverything(t *testing.T) {
	// Staging attaches no extra policy to the service account roles, which
	// leaves one resource without an instance: give the jobs one, so that
	// every resource of the module is planned and applied.
	main := filepath.Join(e.repo.Dir, stagingRoot, "main.tf")
	b, err := os.ReadFile(main)
	require.NoError(t, err)
	withExtra := strings.Replace(string(b), "  secret_recovery_window_days  = 7\n",
		"  secret_recovery_window_days  = 7\n\n  service_account_policy_arns = {\n    meltano_jobs = [\"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\"]\n  }\n", 1)
	require.NotEqual(t, string(b), withExtra, "staging's main.tf sets secret_recovery_window_days")
	require.NoError(t, os.WriteFile(main, []byte(withExtra), 0o644))
	e.repo.Commit("staging: the jobs may read S3")

	code, out, _ := e.td.run(t, "plan", "--environment", "staging", "--tier", "infrastructure", "--all", "--detailed-exitcode")
	require.Equal(t, 2, code, "the first plan has changes:\n%s", out)
	require.Regexp(t, "Plan for `staging`: [0-9]+ to add, 0 to change, 0 to destroy", out)
	planned := map[string]bool{}
	for _, m := range plannedResource.FindAllStringSubmatch(out, -1) {
		planned[m[1]] = true
	}
	want := slices.Sorted(maps.Keys(loadModule(t, moduleDir).ManagedResources))
	require.Equal(t, want, slices.Sorted(maps.Keys(planned)), "every resource of the module is planned, the ones moto cannot create included")
	require.Contains(t, out, "Predicted inventory change")
	require.Contains(t, out, `+ region            = "eu-west-1"`)

	// As the README says: commit the lock file the first init wrote.
	lock := filepath.Join(e.repo.Dir, stagingRoot, ".terraform.lock.hcl")
	b, err = os.ReadFile(lock)
	require.NoError(t, err, "init wrote the dependency lock file")
	require.Contains(t, string(b), `provider "registry.opentofu.org/hashicorp/aws"`)
	require.Contains(t, string(b), `version     = "`+testtools.AWSProviderVersion+`"`)
	e.repo.Commit("the dependency lock file of staging")
}

func (e *emulatorRun) applyPublishes(t *testing.T) {
	e.repo.Write(map[string]string{overrideFile: emulatorOverride()})
	sha := e.repo.Commit("stand-ins for what the AWS API emulator cannot do")

	code, out, _ := e.td.run(t, "apply", "--environment", "staging", "--tier", "infrastructure", "--all")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "inventory version 1 published")
	require.Regexp(t, "Apply to `staging`: [0-9]+ added, 0 changed, 0 destroyed", out)

	// The state is in the emulator's S3, and the lock file is gone.
	var objects struct{ Contents []struct{ Key string } }
	require.NoError(t, json.Unmarshal([]byte(e.aws(t, "s3api", "list-objects-v2", "--bucket", stateBucket)), &objects))
	var keys []string
	for _, o := range objects.Contents {
		keys = append(keys, o.Key)
	}
	require.Equal(t, []string{stateKey}, keys, "the state and no leftover lock")

	// The inventory is a SecureString labelled with the commit.
	p, err := e.ssmClient().GetParameter(t.Context(), &ssm.GetParameterInput{Name: aws.String(inventoryParam), WithDecryption: aws.Bool(true)})
	require.NoError(t, err)
	require.Equal(t, "SecureString", string(p.Parameter.Type))
	require.Equal(t, int64(1), p.Parameter.Version)
	h, err := e.ssmClient().GetParameterHistory(t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(inventoryParam)})
	require.NoError(t, err)
	require.Len(t, h.Parameters, 1)
	require.Equal(t, []string{"commit-" + sha}, h.Parameters[0].Labels)
	var doc struct {
		Commit string         `json:"commit"`
		Values map[string]any `json:"values"`
	}
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(p.Parameter.Value)), &doc))
	require.Equal(t, sha, doc.Commit)
	require.ElementsMatch(t, slices.Collect(maps.Keys(loadModule(t, moduleDir).Outputs)), slices.Collect(maps.Keys(doc.Values)),
		"every module output is in the inventory")
}

func (e *emulatorRun) inventoryReadsBack(t *testing.T) {
	sha := e.repo.Git("rev-parse", "HEAD")
	code, out, _ := e.td.run(t, "inventory", "get", "--environment", "staging", "--format", "json")
	require.Equal(t, 0, code, out)
	var doc struct {
		Schema, Environment, Tier, Commit string
		Values                            map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "tierdeploy.inventory/v1", doc.Schema)
	assert.Equal(t, "staging", doc.Environment)
	assert.Equal(t, sha, doc.Commit)
	for key, want := range map[string]string{
		"region":                            stagingRegion,
		"namespace":                         "meltano",
		"meltano_database.host":             "meltano-staging.",
		"meltano_database.name":             "meltano",
		"database_instance.identifier":      "meltano-staging",
		"registry.meltano":                  stagingAccount + ".dkr.ecr." + stagingRegion + ".amazonaws.com/meltano-staging/meltano",
		"service_accounts.meltano.role_arn": "arn:aws:iam::" + stagingAccount + ":role/meltano-staging-meltano",
		"cluster.name":                      "meltano-staging",
		"storage.claim_name":                "meltano-logs",
	} {
		v, ok := lookup(doc.Values, key)
		require.True(t, ok, "the inventory has %s", key)
		assert.Contains(t, v, want, key)
	}

	code, out, _ = e.td.run(t, "inventory", "history", "--environment", "staging", "--format", "json")
	require.Equal(t, 0, code, out)
	var hist []struct {
		Number int64
		Labels []string
		Commit string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &hist))
	require.Len(t, hist, 1)
	assert.Equal(t, int64(1), hist[0].Number)
	assert.Equal(t, sha, hist[0].Commit)
	assert.Equal(t, []string{"commit-" + sha}, hist[0].Labels)

	code, out, _ = e.td.run(t, "inventory", "diff", "--environment", "staging", "--outputs")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "no difference")
}

func (e *emulatorRun) inSync(t *testing.T) {
	code, out, _ := e.td.run(t, "plan", "--environment", "staging", "--tier", "infrastructure", "--all", "--detailed-exitcode")
	require.Equal(t, 0, code, "the plan right after apply is clean:\n%s", out)
	require.Contains(t, out, "no changes")

	code, out, _ = e.driftOnGitHub(t)
	require.Equal(t, 0, code, "no drift right after apply:\n%s", out)
	require.Empty(t, e.gh.ours(), "no drift issue")
}

func (e *emulatorRun) renamedDatabase(t *testing.T) {
	// Someone renames the instance in the console: its address changes.
	e.aws(t, "rds", "modify-db-instance", "--db-instance-identifier", "meltano-staging",
		"--new-db-instance-identifier", "meltano-staging-old", "--apply-immediately")
	code, out, _ := e.driftOnGitHub(t)
	require.Equal(t, 2, code, out)
	issues := e.gh.ours()
	require.Len(t, issues, 1)
	is := issues[0]
	assert.Equal(t, "open", is.State)
	assert.Equal(t, "Drift in infrastructure/staging", is.Title)
	assert.Contains(t, is.Body, "module.infrastructure.aws_db_instance.main")
	assert.Contains(t, is.Body, "refresh-only: 1 drifted")
	assert.NotContains(t, is.Body, "the stored inventory differs", "the state's outputs did not change yet")

	// An operator records the change in the state by hand: the outputs,
	// and so what the inventory would say, change.
	e.operatorTofu(t, "apply", "-refresh-only", "-auto-approve", "-input=false")
	code, out, _ = e.td.run(t, "inventory", "diff", "--environment", "staging", "--outputs")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "meltano-staging-old.")
	code, out, _ = e.driftOnGitHub(t)
	require.Equal(t, 2, code, out)
	is = e.gh.ours()[0]
	assert.Contains(t, is.Body, "the stored inventory differs from the current outputs")
	assert.Contains(t, is.Body, "meltano-staging-old.")

	// Renamed back and recorded again: in sync, the issue is closed.
	e.aws(t, "rds", "modify-db-instance", "--db-instance-identifier", "meltano-staging-old",
		"--new-db-instance-identifier", "meltano-staging", "--apply-immediately")
	e.operatorTofu(t, "apply", "-refresh-only", "-auto-approve", "-input=false")
	code, out, _ = e.driftOnGitHub(t)
	require.Equal(t, 0, code, out)
	is = e.gh.ours()[0]
	assert.Equal(t, "closed", is.State)
}

func (e *emulatorRun) changedOutside(t *testing.T) {
	repo := e.aws(t, "ecr", "describe-repositories", "--repository-names", "meltano-staging/meltano")
	var r struct {
		Repositories []struct{ RepositoryArn string }
	}
	require.NoError(t, json.Unmarshal([]byte(repo), &r))
	require.Len(t, r.Repositories, 1)
	e.aws(t, "ecr", "tag-resource", "--resource-arn", r.Repositories[0].RepositoryArn,
		"--tags", "Key=owner,Value="+hostileTag)
	e.aws(t, "rds", "modify-db-instance", "--db-instance-identifier", "meltano-staging",
		"--db-instance-class", "db.t4g.large", "--apply-immediately")

	code, out, _ := e.driftOnGitHub(t)
	require.Equal(t, 2, code, out)
	issues := e.gh.ours()
	require.Len(t, issues, 2, "a new issue: the first one was closed")
	is := issues[1]
	assert.Equal(t, "open", is.State)
	assert.Contains(t, is.Body, `module.infrastructure.aws_ecr_repository.main["meltano"]`)
	assert.Contains(t, is.Body, "module.infrastructure.aws_db_instance.main")
	assert.Contains(t, is.Body, "refresh-only: 2 drifted")
	assert.Contains(t, is.Body, "db.t4g.large")
	assert.NotContains(t, is.Body, "the stored inventory differs", "neither change touches an output")
}

func (e *emulatorRun) secondApply(t *testing.T) {
	main := filepath.Join(e.repo.Dir, stagingRoot, "main.tf")
	b, err := os.ReadFile(main)
	require.NoError(t, err)
	changed := strings.Replace(string(b), `db_instance_class            = "db.t4g.small"`, `db_instance_class            = "db.t4g.medium"`, 1)
	require.NotEqual(t, string(b), changed, "staging's main.tf sets db_instance_class")
	require.NoError(t, os.WriteFile(main, []byte(changed), 0o644))
	e.repo.Commit("staging: a larger database")

	code, out, _ := e.td.run(t, "plan", "--environment", "staging", "--tier", "infrastructure", "--all", "--detailed-exitcode")
	require.Equal(t, 2, code, out)
	assert.Contains(t, out, `"db.t4g.large" -> "db.t4g.medium"`, "the plan shows the class change from what is live")
	assert.Contains(t, out, "module.infrastructure.aws_ecr_repository.main[\"meltano\"]", "and takes the tag set outside away")

	// Without --all, as on a push: the infrastructure changed since its
	// last apply, and the project tier only needs it.
	code, out, _ = e.td.run(t, "apply", "--environment", "staging")
	require.Equal(t, 0, code, out)
	assert.NotContains(t, out, "inventory version 2", "no output changed")
	assert.Regexp(t, "`project/staging` \\| (✅ no changes|⏭️ skipped)", out, "the project tier is left alone")
	assert.Equal(t, 1, e.releaseRevisions(t, "meltano"), "no new revision of the Meltano release")
	var db struct {
		DBInstances []struct{ DBInstanceClass string }
	}
	require.NoError(t, json.Unmarshal([]byte(e.aws(t, "rds", "describe-db-instances", "--db-instance-identifier", "meltano-staging")), &db))
	require.Len(t, db.DBInstances, 1)
	assert.Equal(t, "db.t4g.medium", db.DBInstances[0].DBInstanceClass)
	h, err := e.ssmClient().GetParameterHistory(t.Context(), &ssm.GetParameterHistoryInput{Name: aws.String(inventoryParam)})
	require.NoError(t, err)
	assert.Len(t, h.Parameters, 1, "the inventory keeps its version when no output changed")

	code, out, _ = e.driftOnGitHub(t)
	require.Equal(t, 0, code, "in sync again:\n%s", out)
	for _, is := range e.gh.ours() {
		assert.Equal(t, "closed", is.State, "issue %d", is.Number)
	}
}

func (e *emulatorRun) changedOutput(t *testing.T) {
	main := filepath.Join(e.repo.Dir, stagingRoot, "main.tf")
	b, err := os.ReadFile(main)
	require.NoError(t, err)
	changed := strings.Replace(string(b), "  secret_recovery_window_days  = 7\n",
		"  secret_recovery_window_days  = 7\n  logs_claim_name              = \"meltano-logs-v2\"\n", 1)
	require.NotEqual(t, string(b), changed)
	require.NoError(t, os.WriteFile(main, []byte(changed), 0o644))
	sha := e.repo.Commit("staging: a new log claim")

	code, out, _ := e.td.run(t, "apply", "--environment", "staging")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "inventory version 2 published")
	cs, err := kubernetes.NewForConfig(controlPlane.Get(t).RESTConfig())
	require.NoError(t, err)
	e.requireLogClaim(t, cs, "meltano-logs-v2")
	e.requireAirflowClaim(t, cs, "meltano-logs-v2")
	assert.Equal(t, 2, e.releaseRevisions(t, "meltano"), "the new inventory deployed a new revision")

	code, out, _ = e.td.run(t, "inventory", "history", "--environment", "staging")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "commit-"+sha)
	code, out, _ = e.td.run(t, "inventory", "diff", "--environment", "staging", "--from", "1", "--to", "2")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "meltano-logs-v2")
}

// noSecretLeaked checks that the generated database passwords, which are
// in the Terraform state and in the emulator's Secrets Manager, appeared in
// no output of tierdeploy and in no issue.
func (e *emulatorRun) noSecretLeaked(t *testing.T) {
	var inv struct{ Values map[string]any }
	code, out, _ := e.td.run(t, "inventory", "get", "--environment", "staging", "--format", "json")
	require.Equal(t, 0, code, out)
	require.NoError(t, json.Unmarshal([]byte(out), &inv))
	// The runner's own masking protocol is where secrets must go: every
	// other line is checked.
	var all strings.Builder
	for _, line := range strings.Split(e.td.seen.String(), "\n") {
		if !strings.HasPrefix(line, "::add-mask::") {
			all.WriteString(line + "\n")
		}
	}
	issues := e.gh.snapshot()
	for _, issue := range issues {
		all.WriteString(issue.Body + strings.Join(issue.Comments, "\n"))
	}
	forged := issues[0]
	require.NotEqual(t, bot, forged.User)
	assert.Equal(t, "open", forged.State, "another account's issue is not closed")
	assert.Equal(t, forgedIssue, forged.Body, "nor edited")
	assert.Empty(t, forged.Comments, "nor commented on")
	for _, key := range []string{"meltano_database.secret_arn", "airflow_database.secret_arn"} {
		arn, ok := lookup(inv.Values, key)
		require.True(t, ok, key)
		var secret struct{ SecretString string }
		require.NoError(t, json.Unmarshal([]byte(e.aws(t, "secretsmanager", "get-secret-value", "--secret-id", arn.(string))), &secret))
		var value struct{ Password, URI string }
		require.NoError(t, json.Unmarshal([]byte(secret.SecretString), &value))
		require.Len(t, value.Password, 40)
		require.NotContains(t, all.String(), value.Password, "the %s password reached an output", key)
	}
}
