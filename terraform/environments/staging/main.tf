# Staging: the same platform as production, sized down. One NAT gateway, a
# single-zone database and no deletion protection keep it cheap and easy to
# rebuild; everything else (encryption, private API, backups) stays as in prod.

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
  environment = "staging"
  region      = var.region

  single_nat_gateway  = true
  deletion_protection = false

  cluster_public_access_cidrs  = var.cluster_public_access_cidrs
  cluster_admin_principal_arns = var.cluster_admin_principal_arns

  node_groups = {
    default = {
      instance_types = ["m7i.large", "m6i.large"]
      min_size       = 1
      max_size       = 4
      desired_size   = 2
    }
  }

  db_instance_class            = "db.t4g.small"
  db_multi_az                  = false
  db_allocated_storage_gib     = 20
  db_max_allocated_storage_gib = 50
  db_backup_retention_days     = 7
  secret_recovery_window_days  = 7
}
