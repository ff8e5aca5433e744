# The inventory: what the project tier needs to know about the platform. The
# environment roots re-export every output under the same name, tierdeploy
# publishes them as one JSON document in SSM Parameter Store, and the Helm
# releases map values from it (inventory_values). No output is sensitive: the
# database passwords stay in Secrets Manager and only their ARNs are here.
#
# Keep the shapes literal objects: the reference tests read them to check that
# every inventory key the releases map exists.

output "region" {
  description = "AWS region of the deployment."
  value       = local.region
}

output "cluster" {
  description = "The EKS cluster: name, API endpoint and CA certificate (base64 of PEM), which tierdeploy's cluster block reaches it with, Kubernetes version, and the OIDC provider behind the IAM roles for service accounts."
  value = {
    name              = aws_eks_cluster.main.name
    endpoint          = aws_eks_cluster.main.endpoint
    ca_data           = aws_eks_cluster.main.certificate_authority[0].data
    version           = aws_eks_cluster.main.version
    oidc_issuer_url   = aws_eks_cluster.main.identity[0].oidc[0].issuer
    oidc_provider_arn = aws_iam_openid_connect_provider.cluster.arn
    security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  }
}

output "namespace" {
  description = "Kubernetes namespace the service account roles trust; the Meltano and Airflow releases must be installed there."
  value       = var.namespace
}

output "service_accounts" {
  description = "Kubernetes service accounts that have an IAM role, by purpose: name and role ARN (the eks.amazonaws.com/role-arn annotation)."
  value = {
    meltano = {
      name     = local.service_accounts.meltano.name
      role_arn = aws_iam_role.service_account["meltano"].arn
    }
    meltano_jobs = {
      name     = local.service_accounts.meltano_jobs.name
      role_arn = aws_iam_role.service_account["meltano_jobs"].arn
    }
    airflow_workers = {
      name     = local.service_accounts.airflow_workers.name
      role_arn = aws_iam_role.service_account["airflow_workers"].arn
    }
  }
}

output "storage" {
  description = "The shared log file system: EFS ids, the CSI volume handle (file system::access point) and the name of the claim the project tier creates for it."
  value = {
    file_system_id  = aws_efs_file_system.logs.id
    access_point_id = aws_efs_access_point.logs.id
    volume_handle   = "${aws_efs_file_system.logs.id}::${aws_efs_access_point.logs.id}"
    claim_name      = var.logs_claim_name
  }
}

output "meltano_database" {
  description = "Meltano's system database: host, port, database name, login role, and the ARN of the Secrets Manager secret holding its password and URI."
  value = {
    host       = aws_db_instance.main.address
    port       = aws_db_instance.main.port
    name       = local.databases.meltano.name
    username   = local.databases.meltano.username
    secret_arn = aws_secretsmanager_secret.database["meltano"].arn
  }
}

output "airflow_database" {
  description = "Airflow's metadata database: host, port, database name, login role, and the ARN of the Secrets Manager secret holding its password and URI."
  value = {
    host       = aws_db_instance.main.address
    port       = aws_db_instance.main.port
    name       = local.databases.airflow.name
    username   = local.databases.airflow.username
    secret_arn = aws_secretsmanager_secret.database["airflow"].arn
  }
}

output "database_instance" {
  description = "The PostgreSQL instance behind both databases: identifier, and the ARN of the RDS-managed secret of its master user (for operators and the bootstrap only)."
  value = {
    identifier        = aws_db_instance.main.identifier
    master_username   = aws_db_instance.main.username
    master_secret_arn = aws_db_instance.main.master_user_secret[0].secret_arn
  }
}

output "registry" {
  description = "Image repository URLs, by image: meltano (the Meltano project) and airflow (Airflow with the DAGs)."
  value = {
    meltano = aws_ecr_repository.main["meltano"].repository_url
    airflow = aws_ecr_repository.main["airflow"].repository_url
  }
}

output "network" {
  description = "The VPC and its private subnets, for project-tier resources that need them."
  value = {
    vpc_id             = aws_vpc.main.id
    private_subnet_ids = [for s in aws_subnet.private : s.id]
  }
}
