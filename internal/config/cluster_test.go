package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// withCluster is a configuration whose environments reach their clusters
// from the inventory.
const withCluster = `version: 1
environments:
  - name: staging
    cluster:
      endpoint: cluster.endpoint
      ca_data: cluster.ca_data
      eks:
        cluster_name: cluster.name
        role_arn: arn:aws:iam::123456789012:role/{environment}-deployer
        region: eu-west-1
  - name: prod
    kube_context: prod
tiers:
  - name: infrastructure
    terraform:
      dir: terraform
    publishes_inventory: true
  - name: project
    needs: [infrastructure]
    helm:
      - release: web
        chart: charts/web
`

func TestParseCluster(t *testing.T) {
	cfg, err := Parse("tierdeploy.yaml", []byte(withCluster))
	require.NoError(t, err)
	cl, key := cfg.ClusterFor("project", "staging")
	require.Equal(t, "environments[0].cluster", key)
	require.Equal(t, &Cluster{Endpoint: "cluster.endpoint", CAData: "cluster.ca_data", EKS: &EKS{
		ClusterName: "cluster.name", RoleARN: "arn:aws:iam::123456789012:role/{environment}-deployer", Region: "eu-west-1",
	}}, cl)
	cl, key = cfg.ClusterFor("project", "prod")
	require.Nil(t, cl, "prod uses its kube_context")
	require.Empty(t, key)
	pos, ok := cfg.Position("environments[0].cluster.eks.cluster_name")
	require.True(t, ok)
	require.Equal(t, 8, pos.Line)

	// A tier's block wins over the environment's, in every environment.
	tiered := strings.Replace(withCluster, "    helm:\n", "    cluster:\n      endpoint: k8s.url\n      ca_data: k8s.ca\n      eks: {cluster_name: k8s.name}\n    helm:\n", 1)
	cfg, err = Parse("tierdeploy.yaml", []byte(tiered))
	require.NoError(t, err)
	for _, env := range []string{"staging", "prod"} {
		cl, key = cfg.ClusterFor("project", env)
		require.Equal(t, "tiers[1].cluster", key)
		require.Equal(t, "k8s.url", cl.Endpoint)
		require.Equal(t, "k8s.name", cl.EKS.ClusterName)
		require.Empty(t, cl.EKS.RoleARN)
	}
}

func TestParseClusterErrors(t *testing.T) {
	edit := func(old, new string) func(t *testing.T) string {
		return func(t *testing.T) string {
			t.Helper()
			require.Contains(t, withCluster, old)
			return strings.Replace(withCluster, old, new, 1)
		}
	}
	tests := []struct {
		name string
		edit func(t *testing.T) string
		want string
	}{
		{name: "no endpoint", edit: edit("      endpoint: cluster.endpoint\n", ""),
			want: "tierdeploy.yaml:5:7: environments[0].cluster: has no endpoint: name the inventory key that holds the API server URL, such as cluster.endpoint"},
		{name: "no ca", edit: edit("      ca_data: cluster.ca_data\n", ""),
			want: "environments[0].cluster: has no ca_data: name the inventory key that holds the CA certificate"},
		{name: "endpoint is a URL, not a key", edit: edit("endpoint: cluster.endpoint", "endpoint: https://api.example:443"),
			want: `tierdeploy.yaml:5:17: environments[0].cluster.endpoint: "https://api.example:443" is not an inventory key such as cluster.endpoint`},
		{name: "key with empty segment", edit: edit("ca_data: cluster.ca_data", "ca_data: cluster..ca_data"),
			want: `environments[0].cluster.ca_data: "cluster..ca_data" is not an inventory key`},
		{name: "key with a newline", edit: edit("ca_data: cluster.ca_data", `ca_data: "cluster.ca\n::error::pwned"`),
			want: `environments[0].cluster.ca_data: "cluster.ca\n::error::pwned" is not an inventory key`},
		{name: "no eks", edit: edit("      eks:\n        cluster_name: cluster.name\n        role_arn: arn:aws:iam::123456789012:role/{environment}-deployer\n        region: eu-west-1\n", ""),
			want: "environments[0].cluster: has no eks: tierdeploy authenticates in-process to Amazon EKS clusters only (other clusters: use kube_context)"},
		{name: "no cluster name", edit: edit("        cluster_name: cluster.name\n", ""),
			want: "environments[0].cluster.eks: has no cluster_name"},
		{name: "bad cluster name key", edit: edit("cluster_name: cluster.name", "cluster_name: 'meltano staging'"),
			want: `environments[0].cluster.eks.cluster_name: "meltano staging" is not an inventory key such as cluster.name`},
		{name: "role is not a role ARN", edit: edit("role_arn: arn:aws:iam::123456789012:role/{environment}-deployer", "role_arn: arn:aws:iam::123456789012:user/ci"),
			want: `environments[0].cluster.eks.role_arn: "arn:aws:iam::123456789012:user/ci" is not an IAM role ARN`},
		{name: "role with short account", edit: edit("123456789012", "1234"),
			want: `environments[0].cluster.eks.role_arn: "arn:aws:iam::1234:role/{environment}-deployer" is not an IAM role ARN`},
		{name: "bad region", edit: edit("region: eu-west-1", "region: Europe"),
			want: `environments[0].cluster.eks.region: "Europe" is not an AWS region such as eu-west-1`},
		{name: "unknown key", edit: edit("        region: eu-west-1\n", "        profile: ci\n"),
			want: "environments[0].cluster.eks.profile: is not a known key"},
		{name: "both kube_context and cluster", edit: edit("  - name: staging\n", "  - name: staging\n    kube_context: staging\n"),
			want: "environments[0].kube_context: is set together with cluster: keep one"},
		{name: "environment cluster but no publisher needed", edit: edit("    needs: [infrastructure]\n", ""),
			want: `environments[0].cluster: reads the inventory, but tier "project", whose Helm releases it reaches, does not need the tier that publishes the inventory`},
		{name: "tier cluster without releases", edit: edit("    publishes_inventory: true\n", "    publishes_inventory: true\n    cluster: {endpoint: a.b, ca_data: a.c, eks: {cluster_name: a.d}}\n"),
			want: `tiers[0].cluster: is set, but tier "infrastructure" has no Helm releases: cluster applies to Helm releases only`},
		{name: "tier cluster without publisher", edit: edit("    needs: [infrastructure]\n", "    cluster: {endpoint: a.b, ca_data: a.c, eks: {cluster_name: a.d}}\n"),
			want: `tiers[1].cluster: reads the inventory, but tier "project" does not need the tier that publishes the inventory`},
		{name: "cluster is a string", edit: edit("    cluster:\n      endpoint: cluster.endpoint\n      ca_data: cluster.ca_data\n      eks:\n        cluster_name: cluster.name\n        role_arn: arn:aws:iam::123456789012:role/{environment}-deployer\n        region: eu-west-1\n", "    cluster: https://api.example\n"),
			want: `environments[0].cluster: must be a mapping of keys to values, not "https://api.example"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("tierdeploy.yaml", []byte(tt.edit(t)))
			require.Error(t, err)
			var errs *Errors
			require.ErrorAs(t, err, &errs)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}
