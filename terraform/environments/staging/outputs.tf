# The inventory of this environment: every output of the infrastructure module,
# under the same name. tierdeploy publishes the root outputs after each apply.

output "region" {
  description = "AWS region of the deployment."
  value       = module.infrastructure.region
}

output "cluster" {
  description = "The EKS cluster: name, API endpoint and CA (what tierdeploy.yaml's cluster block reads), version and OIDC provider."
  value       = module.infrastructure.cluster
}

output "namespace" {
  description = "Kubernetes namespace of the Meltano and Airflow releases."
  value       = module.infrastructure.namespace
}

output "service_accounts" {
  description = "Service accounts with an IAM role: name and role ARN, by purpose."
  value       = module.infrastructure.service_accounts
}

output "storage" {
  description = "The shared log file system and the claim the project tier creates for it."
  value       = module.infrastructure.storage
}

output "meltano_database" {
  description = "Meltano's system database and the ARN of its credentials secret."
  value       = module.infrastructure.meltano_database
}

output "airflow_database" {
  description = "Airflow's metadata database and the ARN of its credentials secret."
  value       = module.infrastructure.airflow_database
}

output "database_instance" {
  description = "The PostgreSQL instance and the ARN of its master user secret."
  value       = module.infrastructure.database_instance
}

output "registry" {
  description = "Image repository URLs for the Meltano and Airflow images."
  value       = module.infrastructure.registry
}

output "network" {
  description = "The VPC and its private subnets."
  value       = module.infrastructure.network
}
