# The prod environment of the platform.

terraform {
  # State stays on disk next to this file in the example; a real repository
  # configures a remote backend here (see terraform/ in this repository).
  backend "local" {}
}

module "platform" {
  source        = "../../modules/platform"
  environment   = "prod"
  node_count    = 3
  database_size = "db.r6g.large"
}

output "region" {
  value = module.platform.region
}

output "cluster" {
  value = module.platform.cluster
}

output "database" {
  value = module.platform.database
}

output "database_password" {
  value     = module.platform.database_password
  sensitive = true
}

output "storage" {
  value = module.platform.storage
}

output "registry" {
  value = module.platform.registry
}
