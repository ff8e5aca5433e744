# The infrastructure tier of the Meltano reference deployment: one VPC, one EKS
# cluster, one PostgreSQL instance holding the Meltano system database and the
# Airflow metadata database, one EFS file system for logs and two ECR
# repositories. Its outputs are the inventory the project tier reads.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # Every resource name starts with the prefix, so several environments can
  # share one account.
  prefix = "${var.name}-${var.environment}"

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  tags = merge(var.tags, {
    "tierdeploy/stack"       = var.name
    "tierdeploy/environment" = var.environment
  })
}
