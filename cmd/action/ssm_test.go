package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
)

// TestInventoryThroughSSM applies the example with the inventory in SSM
// Parameter Store (the real AWS SDK against the wire-level test server): the
// infrastructure publishes its outputs, the project tier is applied with
// them, and a change of an output shows in the next plan's predicted
// inventory change.
func TestInventoryThroughSSM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs OpenTofu")
	}
	offlineTofu(t)
	clearCI(t)
	srv := ssmtest.NewServer(t)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_SSM": srv.URL, "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "test",
		"AWS_SECRET_ACCESS_KEY": "test", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED": "true", "KUBECONFIG": filepath.Join(t.TempDir(), "none"),
	} {
		t.Setenv(k, v)
	}
	r, _, _ := exampleRepo(t)
	r.Git("checkout", "-q", "main")
	noHelm(t, r)
	cfgPath := filepath.Join(r.Dir, "tierdeploy.yaml")
	b, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	cfg := strings.Replace(string(b), "  store: file              # .tierdeploy/inventory/<environment>.json",
		"  store: ssm\n  ssm:\n    name: /shop/{environment}/inventory\n    kms_key_id: alias/shop", 1)
	require.NotEqual(t, string(b), cfg)
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o644))
	r.Commit("inventory in SSM")

	code, out := run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code, out)
	value, ok := srv.Value("/shop/staging/inventory")
	require.True(t, ok, "the inventory is published")
	doc, err := inventory.Parse([]byte(value))
	require.NoError(t, err)
	require.Equal(t, "staging", doc.Environment)
	name, _, err := inventory.Lookup(doc, "cluster.name")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(name.(string), "shop-staging-"))
	_, ok = doc.Values["database_password"]
	require.False(t, ok, "a sensitive output stays out unless listed")
	_, ok = srv.Value("/shop/staging/inventory.applied")
	require.True(t, ok, "the apply record is kept beside it")

	// The project tier saw the published values.
	state, err := os.ReadFile(filepath.Join(r.Dir, "project/terraform/terraform-staging.tfstate"))
	require.NoError(t, err)
	require.Contains(t, string(state), name.(string))

	// Another apply with nothing new writes no new version.
	versions := len(srv.Versions("/shop/staging/inventory"))
	code, _ = run(t, "apply", "--chdir", r.Dir, "--environment", "staging", "--all")
	require.Equal(t, 0, code)
	require.Len(t, srv.Versions("/shop/staging/inventory"), versions)

	// A change of an output: the plan predicts the inventory change.
	r.Git("checkout", "-q", "-b", "bigger")
	changeNodes(t, r, "5")
	code, out = run(t, "plan", "--chdir", r.Dir, "--environment", "staging", "--base", "main", "--head", "HEAD")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "Predicted inventory change")
	require.Contains(t, out, "? cluster = (known after apply)", "terraform_data.cluster's output is known only after the update")

	code, out = run(t, "inventory", "history", "--chdir", r.Dir, "--environment", "staging")
	require.Equal(t, 0, code)
	require.Contains(t, out, "commit-")
	require.Equal(t, app.ExitOK, code)
}
