package config

import (
	"fmt"
	"regexp"
)

// Cluster says how the Helm releases reach their Kubernetes cluster without
// a kubeconfig: the API server's address and CA certificate come from the
// environment's inventory, and the credentials are made in-process. Every
// field but eks.role_arn and eks.region names an inventory key (dotted, such
// as "cluster.endpoint").
type Cluster struct {
	// Endpoint is the inventory key of the API server URL (https://...).
	Endpoint string `yaml:"endpoint"`
	// CAData is the inventory key of the cluster's CA certificate: PEM, or
	// base64 of PEM as EKS gives it (certificate_authority[0].data).
	CAData string `yaml:"ca_data"`
	// EKS authenticates to an Amazon EKS cluster with tokens signed by the
	// job's AWS credentials.
	EKS *EKS `yaml:"eks"`
}

// EKS configures the tokens of an Amazon EKS cluster.
type EKS struct {
	// ClusterName is the inventory key of the cluster's name, which every
	// token is made for.
	ClusterName string `yaml:"cluster_name"`
	// RoleARN is an IAM role to assume before signing (the {environment}
	// placeholder is replaced); empty means the job's own identity.
	RoleARN string `yaml:"role_arn"`
	// Region signs the tokens; empty means the region in the endpoint's
	// host name, else the AWS configuration's.
	Region string `yaml:"region"`
}

// ClusterFor returns the cluster block that applies to the Helm releases of
// tier in environment: the tier's, else the environment's; nil when
// neither sets one (the kubeconfig is used). key is where it is written,
// such as "tiers[1].cluster", for messages.
func (c *Config) ClusterFor(tier, environment string) (cl *Cluster, key string) {
	for i := range c.Tiers {
		if c.Tiers[i].Name == tier && c.Tiers[i].Cluster != nil {
			return c.Tiers[i].Cluster, fmt.Sprintf("tiers[%d].cluster", i)
		}
	}
	for i := range c.Environments {
		if c.Environments[i].Name == environment && c.Environments[i].Cluster != nil {
			return c.Environments[i].Cluster, fmt.Sprintf("environments[%d].cluster", i)
		}
	}
	return nil, ""
}

var (
	// inventoryKeyRE matches a dotted inventory key: Terraform output and
	// attribute names, and list indexes.
	inventoryKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
	// roleARNRE matches an IAM role ARN in any partition.
	roleARNRE = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`)
	// regionRE matches an AWS region name such as eu-west-1 or us-gov-west-1.
	regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
)

// validateCluster checks one cluster block written at key.
func (c *Config) validateCluster(errs *Errors, key string, cl *Cluster) {
	inventoryKey := func(field, value, what string) {
		switch {
		case value == "":
			c.problem(errs, key, "has no %s: name the inventory key that holds %s, such as cluster.%s", field, what, field)
		case !inventoryKeyRE.MatchString(value):
			c.problem(errs, key+"."+field, "%q is not an inventory key such as cluster.%s", value, field)
		}
	}
	inventoryKey("endpoint", cl.Endpoint, "the API server URL")
	inventoryKey("ca_data", cl.CAData, "the CA certificate")
	if cl.EKS == nil {
		c.problem(errs, key, "has no eks: tierdeploy authenticates in-process to Amazon EKS clusters only (other clusters: use kube_context)")
		return
	}
	e := cl.EKS
	switch {
	case e.ClusterName == "":
		c.problem(errs, key+".eks", "has no cluster_name: name the inventory key that holds the cluster's name, such as cluster.name")
	case !inventoryKeyRE.MatchString(e.ClusterName):
		c.problem(errs, key+".eks.cluster_name", "%q is not an inventory key such as cluster.name", e.ClusterName)
	}
	if e.RoleARN != "" && !roleARNRE.MatchString(Expand(e.RoleARN, "env")) {
		c.problem(errs, key+".eks.role_arn", "%q is not an IAM role ARN such as arn:aws:iam::123456789012:role/deployer", e.RoleARN)
	}
	if e.Region != "" && !regionRE.MatchString(e.Region) {
		c.problem(errs, key+".eks.region", "%q is not an AWS region such as eu-west-1", e.Region)
	}
}

// validateClusters checks the cluster blocks of environments and tiers, and
// that the tiers whose releases use one read the inventory they name.
func (c *Config) validateClusters(errs *Errors) {
	for i, e := range c.Environments {
		if e.Cluster == nil {
			continue
		}
		at := fmt.Sprintf("environments[%d]", i)
		c.validateCluster(errs, at+".cluster", e.Cluster)
		if e.KubeContext != "" {
			c.problem(errs, at+".kube_context", "is set together with cluster: keep one (cluster reaches the cluster from the inventory, kube_context through a kubeconfig)")
		}
		for _, t := range c.Tiers {
			if len(t.Helm) > 0 && t.Cluster == nil && c.needsResolve(t) && !c.ConsumesInventory(&t) {
				c.problem(errs, at+".cluster", "reads the inventory, but tier %q, whose Helm releases it reaches, does not need the tier that publishes the inventory", t.Name)
			}
		}
	}
	for i, t := range c.Tiers {
		if t.Cluster == nil {
			continue
		}
		at := fmt.Sprintf("tiers[%d].cluster", i)
		c.validateCluster(errs, at, t.Cluster)
		switch {
		case len(t.Helm) == 0:
			c.problem(errs, at, "is set, but tier %q has no Helm releases: cluster applies to Helm releases only", t.Name)
		case c.needsResolve(t) && !c.ConsumesInventory(&t):
			c.problem(errs, at, "reads the inventory, but tier %q does not need the tier that publishes the inventory", t.Name)
		}
	}
}
