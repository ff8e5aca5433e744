# These outputs are the inventory: the project tier reads them by key
# (tierdeploy.yaml, inventory_values).

output "region" {
  description = "Region the platform runs in."
  value       = var.region
}

output "cluster" {
  description = "Kubernetes cluster the project tier deploys to."
  value = {
    name       = terraform_data.cluster.output.name
    node_count = terraform_data.cluster.output.node_count
  }
}

output "database" {
  description = "Connection details of the project database (the password is a separate, sensitive output)."
  value = {
    host = "${terraform_data.database.output.identifier}.db.internal"
    port = terraform_data.database.output.port
    name = "shop"
  }
}

output "database_password" {
  description = "Password of the project database."
  value       = random_password.database.result
  sensitive   = true
}

output "storage" {
  description = "Shared file storage, as a PersistentVolumeClaim name."
  value = {
    claim = "${terraform_data.storage.output.file_system}-claim"
  }
}

output "registry" {
  description = "Image registry of the project's images."
  value = {
    url = trimspace(local_file.registry.content)
  }
}
