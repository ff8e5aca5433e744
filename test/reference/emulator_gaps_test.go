package reference

import (
	"strings"
	"testing"
)

// emulatorGap is something of the reference infrastructure that the AWS
// API emulator (moto 5.2.1) cannot do as AWS does, the reason, and the
// stand-in the end-to-end test uses instead: an override of the module
// (Terraform's *_override.tf merging), written into the test's copy only.
type emulatorGap struct {
	what, why string
	// override is the HCL merged into the module; empty when the gap needs
	// none (the test only notes it).
	override string
}

// emulatorGaps lists every difference between moto and AWS that the test
// works around or must know of. Nothing else is changed or skipped.
var emulatorGaps = []emulatorGap{
	{
		what: "EKS access entries and their access policy associations are not created",
		why:  "moto does not implement CreateAccessEntry (404)",
		override: `resource "aws_eks_access_entry" "admin" {
  for_each = {}
}`,
	},
	{
		what: "EKS add-ons (vpc-cni, kube-proxy, CoreDNS, EFS CSI driver) are not created",
		why:  "moto does not implement CreateAddon (404)",
		override: `resource "aws_eks_addon" "networking" {
  for_each = {}
}

resource "aws_eks_addon" "coredns" {
  count = 0
}

resource "aws_eks_addon" "efs_csi_driver" {
  count = 0
}`,
	},
	{
		what: "the database and EFS security group rules admit the VPC's CIDR instead of the cluster security group",
		why:  "moto's EKS creates no cluster security group (cluster_security_group_id is empty)",
		override: `resource "aws_vpc_security_group_ingress_rule" "database_from_cluster" {
  referenced_security_group_id = null
  cidr_ipv4                    = var.vpc_cidr
}

resource "aws_vpc_security_group_ingress_rule" "efs_from_cluster" {
  referenced_security_group_id = null
  cidr_ipv4                    = var.vpc_cidr
}`,
	},
	{
		what: "the cluster's access_config and upgrade_policy are not compared",
		why:  "moto's DescribeCluster returns neither, so every plan would replace the cluster",
		override: `resource "aws_eks_cluster" "main" {
  lifecycle {
    ignore_changes = [access_config, upgrade_policy]
  }
}`,
	},
	{
		what: "the node group's remote_access and update_config are not compared",
		why:  "moto invents a remote_access block (key pair eksKeypair) and drops update_config, so every plan would replace the node group",
		override: `resource "aws_eks_node_group" "main" {
  lifecycle {
    ignore_changes = [remote_access, update_config]
  }
}`,
	},
	{
		what: "the launch template's tag_specifications are not compared",
		why:  "moto echoes the launch template's own tags as a launch-template tag specification of its version data",
		override: `resource "aws_launch_template" "node" {
  lifecycle {
    ignore_changes = [tag_specifications]
  }
}`,
	},
	{
		what: "the database instance's Performance Insights settings are not compared, and its CA is moto's default (rds-ca-default)",
		why: "moto does not keep Performance Insights settings; and its default CA is rds-ca-default where AWS's is rds-ca-rsa2048-g1 (the reference's value), " +
			"so the provider would modify the new instance at once and wait for it a second time",
		override: `resource "aws_db_instance" "main" {
  ca_cert_identifier = "rds-ca-default"

  lifecycle {
    ignore_changes = [performance_insights_enabled, performance_insights_kms_key_id, performance_insights_retention_period]
  }
}`,
	},
	{
		what: "the database parameter group is created without parameters",
		why:  "moto's DescribeDBParameters leaves Source out, so the provider reads no user parameter back and every refresh would find the three parameters gone",
		override: `resource "aws_db_parameter_group" "main" {
  dynamic "parameter" {
    for_each = []
    content {
      name  = parameter.value
      value = "1"
    }
  }
}`,
	},
	{
		what: "an instance class changed with apply_immediately = false is applied at once",
		why:  "moto's ModifyDBInstance applies every change immediately; AWS keeps it pending until the maintenance window, so on AWS the plan would show the change again until then",
	},
	{
		what: "the provider waits 60 s and two 10 s polls after creating or modifying the database instance",
		why:  "the AWS provider's fixed waiter delays; moto reports the instance available at once, so this is the only wait left",
	},
}

// emulatorOverride is the module override file of every gap's stand-in.
func emulatorOverride() string {
	var b strings.Builder
	b.WriteString("# Stand-ins for what the AWS API emulator cannot do (test/reference/emulator_gaps_test.go).\n")
	for _, g := range emulatorGaps {
		if g.override == "" {
			continue
		}
		b.WriteString("\n# " + g.what + ": " + g.why + ".\n" + g.override + "\n")
	}
	return b.String()
}

// logGaps lists the gaps in the test's log.
func logGaps(t *testing.T) {
	t.Helper()
	var b strings.Builder
	b.WriteString("what the AWS API emulator cannot do, and what this test does instead:\n")
	for _, g := range emulatorGaps {
		b.WriteString("  - " + g.what + " (" + g.why + ")\n")
	}
	t.Log(b.String())
}
