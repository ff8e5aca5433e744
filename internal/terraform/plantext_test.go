package terraform

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const planBody = `OpenTofu used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place

OpenTofu will perform the following actions:

  # terraform_data.a will be updated in-place
  ~ resource "terraform_data" "a" {
      ~ input  = <<-EOT
            a: 1
          - b: 2
          + b: 3
        EOT
    }

Plan: 0 to add, 1 to change, 0 to destroy.

Changes to Outputs:
  ~ o = 1 -> 2
`

func TestPlanText(t *testing.T) {
	warning := "Warning: Value for undeclared variable\n\nThe root module does not declare a variable named \"inventory\" but a value\nwas found in file \"inventory.auto.tfvars.json\".\n"
	tests := []struct {
		name, stdout, body, warnings string
	}{
		{name: "walk lines in any order, with timings",
			stdout: "terraform_data.b: Refreshing state... [id=2]\nmodule.m.data.x.y[\"k\"]: Reading...\nterraform_data.a: Refreshing state... [id=1]\nmodule.m.data.x.y[\"k\"]: Read complete after 2s\n\n" + planBody,
			body:   planBody},
		{name: "slow state lock",
			stdout: lockingMessage + "\nterraform_data.a: Refreshing state... [id=1]\n\n" + planBody + "\n" + unlockingMessage + "\n",
			body:   planBody},
		{name: "warnings after the body",
			stdout: "terraform_data.a: Refreshing state... [id=1]\n\n" + planBody + "\n" + warning,
			body:   planBody, warnings: strings.TrimSpace(warning)},
		{name: "nothing walked", stdout: "Changes to Outputs:\n  + x = 1\n\nYou can apply this plan to save these new output values.\n",
			body: "Changes to Outputs:\n  + x = 1\n\nYou can apply this plan to save these new output values.\n"},
		{name: "not in automation",
			stdout: "\n" + planBody + "\n─────────────────────────────────────────────\n\nSaved the plan to: /tmp/tierdeploy-1/p.tfplan\n\nTo perform exactly these actions, run the following command to apply:\n    tofu apply \"/tmp/tierdeploy-1/p.tfplan\"\n",
			body:   planBody},
		{name: "no changes", stdout: "terraform_data.a: Refreshing state... [id=1]\n\nNo changes. Your infrastructure matches the configuration.\n",
			body: "No changes. Your infrastructure matches the configuration.\n"},
		{name: "headings with a colon stay", stdout: "Note: Objects have changed outside of OpenTofu\n\n" + planBody,
			body: "Note: Objects have changed outside of OpenTofu\n\n" + planBody},
		{name: "empty", stdout: "", body: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, warnings := planText(tt.stdout)
			assert.Equal(t, tt.body, body)
			assert.Equal(t, tt.warnings, warnings)
		})
	}
}

func TestPlanStdoutLogsOnlyTheWalk(t *testing.T) {
	var logged []string
	p := newPlanStdout(func(l string) { logged = append(logged, l) })
	_, _ = p.Write([]byte("terraform_data.a: Refreshing state... [id=1]\n" + lockingMessage + "\n\n" + planBody + "  + password = \"hunter2\"\n"))
	_ = p.lines.Close()
	assert.Equal(t, []string{"terraform_data.a: Refreshing state... [id=1]", lockingMessage}, logged)
	assert.Contains(t, p.String(), "hunter2", "kept for the text, never logged")
}

func TestHumanLockDiagnostic(t *testing.T) {
	framed := []string{"╷", "│ Error: " + lockSummary, "│ ", "│ Error message: resource temporarily unavailable", "│ Lock Info:",
		"│   ID:        9b55", "│   Who:       runner@ci", "│ ", "╵"}
	info := humanLock(framed)
	if assert.NotNil(t, info) {
		assert.Equal(t, LockInfo{ID: "9b55", Who: "runner@ci"}, *info)
	}
	assert.Nil(t, humanLock([]string{"Error: Invalid reference"}))
}

func TestHumanDiagnostics(t *testing.T) {
	stderr := []string{
		"Error: Resource precondition failed",
		"  on main.tf line 11, in resource \"terraform_data\" \"cluster\":",
		"  11:       condition     = var.replicas <= 2",
		"    ├────────────────",
		"    │ var.replicas is 3",
		"The cluster takes at most 2 replicas.",
		"Warning: Deprecated",
		"ignored",
		"Error: Failed to load plugin schemas",
		"Error while loading schemas for plugin components:",
		"provider crashed.",
	}
	assert.Equal(t, []string{
		"main.tf:11: Resource precondition failed: The cluster takes at most 2 replicas.",
		"Failed to load plugin schemas: Error while loading schemas for plugin components: provider crashed.",
	}, humanDiagnostics(stderr))
	assert.Empty(t, humanDiagnostics([]string{"panic: runtime error"}))
}
