# The infrastructure tier of the Meltano reference deployment: one VPC, one EKS
# cluster, one PostgreSQL instance holding the Meltano system database and the
# Airflow metadata database, one EFS file system for logs and two ECR
# repositories. Its outputs are the inventory the project tier reads.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # Every resource name starts with the prefix, so several environments can
  # share one account.
  prefix = "${var.name}-${var.environment}"

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # The region comes in as a variable: the aws_region data source has no
  # attribute that is current in both provider majors (5.x has name, 6.x
  # deprecates name and id for region).
  region = var.region

  tags = merge(var.tags, {
    "tierdeploy/stack"       = var.name
    "tierdeploy/environment" = var.environment
  })
}
