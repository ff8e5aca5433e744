# Stand-ins for the cloud resources of a real platform (cluster, database,
# shared storage, image registry), so that the example plans and applies
# without any cloud account.

module "naming" {
  source      = "../naming"
  project     = "shop"
  environment = var.environment
}

resource "terraform_data" "cluster" {
  input = {
    name       = "${module.naming.prefix}-eks"
    region     = var.region
    node_count = var.node_count
  }
}

resource "random_password" "database" {
  length  = 24
  special = false
}

resource "terraform_data" "database" {
  input = {
    identifier = "${module.naming.prefix}-db"
    class      = var.database_size
    port       = 5432
  }
  triggers_replace = [var.database_size]
}

resource "terraform_data" "storage" {
  input = {
    file_system = "${module.naming.prefix}-efs"
  }
}

resource "local_file" "registry" {
  filename = "${path.module}/.generated/${var.environment}-registry.txt"
  content  = "registry.example.internal/${module.naming.prefix}\n"
}
