# The staging environment of the platform.

terraform {
  # State stays on disk next to this file in the example; a real repository
  # configures a remote backend here (see terraform/ in this repository).
  backend "local" {}
}

module "platform" {
  source        = "../../modules/platform"
  environment   = "staging"
  node_count    = 2
  database_size = "db.t4g.small"
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
