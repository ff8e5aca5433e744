package report

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Secrets of the fixtures: the sensitive variable's old and new values and
// the generated database password, as the terraform stage would report
// them.
const (
	secretOld      = "hunter2-very-secret"
	secretNew      = "hunter2-rotated-secret"
	secretPassword = "RHuCywaOXrAtDwDWQhZjtvw4"
	commit         = "9f1c2d3e4b5a69788796a5b4c3d2e1f0a9b8c7d6"
)

var (
	infra   = plan.Stack{Tier: "infrastructure", Environment: "prod"}
	project = plan.Stack{Tier: "project", Environment: "prod"}
)

// input reads a fixture from testdata/input.
func input(t testing.TB, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", "input", name))
	require.NoError(t, err)
	return string(b)
}

func fingerprint(kind plan.Kind, lines ...string) string { return plan.Fingerprint(kind, lines) }

// infraChanges is the plan of testdata/input/infra-changes.plan.txt, as
// the terraform stage returns it: creates, an update, a delete, replaces,
// a move, and sensitive outputs.
func infraChanges(t testing.TB) plan.Result {
	return plan.Result{
		Stack: infra, Kind: plan.Terraform, Name: "terraform/environments/prod",
		HasChanges: true,
		Counts:     plan.Counts{Add: 2, Change: 1, Destroy: 1, Replace: 4, Move: 1},
		Resources: []plan.ResourceChange{
			{Address: "local_file.values", Action: plan.Replace, Reason: "replace because cannot update"},
			{Address: "local_sensitive_file.env", Action: plan.Replace, Reason: "replace because cannot update"},
			{Address: "random_password.db", Action: plan.Replace, Reason: "replace because cannot update"},
			{Address: "random_pet.platform", Action: plan.NoOp, PreviousAddress: "random_pet.cluster"},
			{Address: `terraform_data.bucket["logs"]`, Action: plan.Create},
			{Address: `terraform_data.bucket["state"]`, Action: plan.Create},
			{Address: "terraform_data.config", Action: plan.Update},
			{Address: "terraform_data.db", Action: plan.Replace, Reason: "replace because cannot update"},
			{Address: "terraform_data.old[1]", Action: plan.Delete, Reason: "delete because count index"},
		},
		Outputs: []plan.OutputChange{
			{Name: "cluster_name", Action: plan.NoOp, Before: raw(`"kind-python"`), After: raw(`"kind-python"`)},
			{Name: "db_password", Action: plan.Update, Before: raw(`"` + secretPassword + `"`), AfterUnknown: true, Sensitive: true},
			{Name: "endpoint", Action: plan.Create, AfterUnknown: true},
			{Name: "removed_soon", Action: plan.Delete, Before: raw(`"x"`)},
			{Name: "replicas", Action: plan.Update, Before: raw(`2`), After: raw(`3`)},
		},
		Diff:        input(t, "infra-changes.plan.txt"),
		Fingerprint: fingerprint(plan.Terraform, "local_file.values replace", "terraform_data.config update"),
		Secrets:     []string{secretOld, secretNew, secretPassword},
		Duration:    41*time.Second + 300*time.Millisecond,
	}
}

func infraClean(t testing.TB) plan.Result {
	return plan.Result{
		Stack: infra, Kind: plan.Terraform, Name: "terraform/environments/prod",
		Diff:        input(t, "no-changes.plan.txt"),
		Fingerprint: fingerprint(plan.Terraform),
		Duration:    12 * time.Second,
	}
}

// commandError stands for the terraform stage's error: one line for logs,
// the whole output for a report.
type commandError struct{ msg, output string }

func (e *commandError) Error() string  { return e.msg }
func (e *commandError) Output() string { return e.output }

func infraFailed(t testing.TB) plan.Result {
	out := input(t, "failing.err.txt") + "\n" +
		"Error: connecting to postgres://meltano:" + secretNew + "@meltano-db.internal:5432/meltano: timeout\n"
	return plan.Result{
		Stack: infra, Kind: plan.Terraform, Name: "terraform/environments/prod",
		Err: errors.Join(&commandError{
			msg:    `terraform plan terraform/environments/prod: exit status 1: main.tf:50: Missing resource instance key: Because terraform_data.bucket has "for_each" set, its attributes must be accessed on specific instances.`,
			output: out,
		}),
		Secrets:  []string{secretNew},
		Duration: 3 * time.Second,
	}
}

func helmRelease(t testing.TB) plan.Result {
	return plan.Result{
		Stack: project, Kind: plan.Helm, Name: "meltano",
		HasChanges: true,
		Counts:     plan.Counts{Add: 1, Change: 2},
		Resources: []plan.ResourceChange{
			{Address: "ConfigMap/meltano/meltano-env", Action: plan.Create},
			{Address: "Deployment/meltano/meltano-web", Action: plan.Update},
			{Address: "Secret/meltano/meltano-db", Action: plan.Update},
		},
		Diff:        input(t, "meltano.helm.diff"),
		Fingerprint: fingerprint(plan.Helm, "ConfigMap/meltano/meltano-env create"),
		Secrets:     []string{secretOld, secretNew},
		Duration:    8 * time.Second,
	}
}

func helmClean(name string) plan.Result {
	return plan.Result{Stack: project, Kind: plan.Helm, Name: name,
		Fingerprint: fingerprint(plan.Helm), Duration: 2 * time.Second}
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }
