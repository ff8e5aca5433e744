# Production: the module's defaults are production settings (three zones with a
# NAT gateway each, Multi-AZ database, deletion protection, 14 days of backups).

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = {
      "app"        = "meltano"
      "managed-by" = "tierdeploy"
    }
  }
}

module "infrastructure" {
  source = "../../modules/infrastructure"

  name        = "meltano"
  environment = "prod"
  region      = var.region

  cluster_public_access_cidrs  = var.cluster_public_access_cidrs
  cluster_admin_principal_arns = var.cluster_admin_principal_arns

  node_groups = {
    default = {
      instance_types = ["m7i.xlarge", "m6i.xlarge"]
      min_size       = 3
      max_size       = 9
      desired_size   = 3
    }
  }

  db_instance_class = "db.m7g.large"
}
