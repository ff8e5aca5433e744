package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/testtools"
)

// replacedPlatform is an infrastructure whose plan replaces the registry,
// the IAM roles, the database and the EFS volume: every output the
// Meltano release reads is known only after apply.
const replacedPlatform = `resource "terraform_data" "platform" {
  input = "staging"
}

locals {
  id = terraform_data.platform.id
}

output "registry" {
  value = {
    meltano = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/meltano-${local.id}"
    airflow = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/airflow-${local.id}"
  }
}

output "service_accounts" {
  value = {
    meltano      = { name = "meltano", role_arn = "arn:aws:iam::111122223333:role/meltano-${local.id}" }
    meltano_jobs = { name = "meltano-jobs", role_arn = "arn:aws:iam::111122223333:role/meltano-jobs-${local.id}" }
  }
}

output "meltano_database" {
  value = {
    host     = "meltano-${local.id}.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com"
    port     = 5432
    name     = "meltano"
    username = "meltano"
  }
}

output "storage" {
  value = {
    claim_name    = "meltano-logs"
    volume_handle = "fs-${local.id}"
  }
}
`

// TestMeltanoPlannedAgainstAPredictedInventory plans the infrastructure
// and charts/meltano together while the infrastructure's plan replaces
// the database, the registry, the roles and the EFS volume: the Meltano
// release is planned against the predicted inventory with stand-ins that
// satisfy the chart's schema, and the report lists every value not
// checked against the schema, and why.
func TestMeltanoPlannedAgainstAPredictedInventory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu and a control plane")
	}
	kc := controlPlane.Get(t)
	offlineTofu(t)
	clearCI(t)
	t.Setenv("KUBECONFIG", kc.Kubeconfig())
	ns := kc.Namespace(t)
	r := referenceRepo(t, "meltano", filepath.Join(testtools.Root(t), "charts", "meltano"), "charts/meltano", ns, "3m", replacedPlatform)

	code, out := run(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	os.WriteFile("/tmp/meltano-report.md", []byte(out), 0o644)
	assert.Contains(t, out, "#### Predicted inventory change")
	assert.Contains(t, out, "rendered with a server-side dry run")
	require.Contains(t, out, "**Not checked against the chart's schema**")
	for path, key := range map[string]string{
		"database.host": "meltano_database.host", "database.port": "meltano_database.port", "image.repository": "registry.meltano",
		"serviceAccount.roleArn": "service_accounts.meltano.role_arn", "jobs.serviceAccount.roleArn": "service_accounts.meltano_jobs.role_arn",
		"logs.efs.volumeHandle": "storage.volume_handle",
	} {
		line := path + ": known only after apply (inventory key " + key + "); planned with the stand-in "
		require.Contains(t, out, line, path)
		rest := out[strings.Index(out, line)+len(line):]
		rest = rest[:strings.IndexByte(rest, '\n')]
		assert.True(t, strings.HasSuffix(rest, ", which satisfies the chart's schema; apply checks the real value"), "%s: %s", path, rest)
	}
	assert.Contains(t, out, "volumeHandle: fs-a:known-after-apply")
}
