package reference

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/cluster"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// TestClusterKeysAreModuleOutputs checks that the cluster block reads
// values the infrastructure tier outputs.
func TestClusterKeysAreModuleOutputs(t *testing.T) {
	cfg := loadConfig(t)
	outputs := moduleOutputs(t)
	module := loadModule(t, moduleDir)
	for _, env := range cfg.EnvironmentNames() {
		cl, _ := cfg.ClusterFor("project", env)
		require.NotNil(t, cl)
		for _, key := range []string{cl.Endpoint, cl.CAData, cl.EKS.ClusterName} {
			t.Run(env+"/"+key, func(t *testing.T) {
				requireOutputValue(t, outputs, module, key)
			})
		}
	}
}

// TestClusterResolvesFromTheExampleInventory resolves the cluster block as
// the project tier does, from a published inventory and from the
// prediction of a plan that creates the cluster.
func TestClusterResolvesFromTheExampleInventory(t *testing.T) {
	cfg := loadConfig(t)
	data, err := os.ReadFile(inventoryFile)
	require.NoError(t, err)
	doc, err := inventory.Parse(data)
	require.NoError(t, err)
	cl, field := cfg.ClusterFor("project", "staging")
	target, err := cluster.Resolve(cluster.Input{Cluster: cl, Field: field, Environment: "staging", Inventory: doc})
	require.NoError(t, err)
	require.Equal(t, "meltano-staging", target.ClusterName)
	require.Equal(t, "https://4A1F0C2E9B7D5A3C1E8F6B4D2A0C9E7F.gr7.eu-west-1.eks.amazonaws.com", target.Endpoint)
	require.Equal(t, "eu-west-1", target.Region, "the tokens are signed in the cluster's region")
	require.Contains(t, string(target.CAData), "-----BEGIN CERTIFICATE-----")
	require.Empty(t, target.RoleARN, "the deployment role signs the tokens itself")

	target, err = cluster.Resolve(cluster.Input{Cluster: cl, Field: field, Environment: "staging", Inventory: doc, KnownAfterApply: []string{"cluster"}})
	require.NoError(t, err)
	require.Equal(t, []string{"cluster.endpoint", "cluster.ca_data", "cluster.name"}, target.Pending)
}
