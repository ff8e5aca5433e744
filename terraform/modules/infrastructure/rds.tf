# One PostgreSQL instance holds two databases, each owned by its own login
# role: "meltano" (Meltano's system database: state, runs, locks) and
# "airflow" (Airflow's metadata database). The master user belongs to
# operators only: RDS generates its password, keeps it in Secrets Manager and
# rotates it, so no application ever depends on it. See secrets.tf for the
# application credentials and the README for the one-time bootstrap.

locals {
  postgres_major = split(".", var.postgres_version)[0]

  databases = {
    meltano = { name = "meltano", username = "meltano" }
    airflow = { name = "airflow", username = "airflow" }
  }
}

resource "aws_db_subnet_group" "main" {
  name        = local.prefix
  description = "Private subnets of ${local.prefix}"
  subnet_ids  = [for s in aws_subnet.private : s.id]

  tags = local.tags
}

resource "aws_security_group" "database" {
  name        = "${local.prefix}-database"
  description = "PostgreSQL of ${local.prefix}: reachable from the EKS cluster only"
  vpc_id      = aws_vpc.main.id

  tags = merge(local.tags, { Name = "${local.prefix}-database" })
}

resource "aws_vpc_security_group_ingress_rule" "database_from_cluster" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the EKS cluster and its nodes"
  referenced_security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_db_parameter_group" "main" {
  name_prefix = "${local.prefix}-postgres${local.postgres_major}-"
  description = "PostgreSQL ${local.postgres_major} settings of ${local.prefix}"
  family      = "postgres${local.postgres_major}"

  # Clients must use TLS.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Log statements slower than a second, and every connection attempt.
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "main" {
  identifier     = local.prefix
  engine         = "postgres"
  engine_version = var.postgres_version
  instance_class = var.db_instance_class
  port           = 5432

  username                      = "postgres_admin"
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.main.arn

  allocated_storage     = var.db_allocated_storage_gib
  max_allocated_storage = var.db_max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  multi_az               = var.db_multi_az
  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.database.id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.main.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.db_backup_retention_days
  backup_window             = var.db_backup_window
  maintenance_window        = var.db_maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.prefix}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  performance_insights_enabled          = var.db_performance_insights
  performance_insights_kms_key_id       = var.db_performance_insights ? aws_kms_key.main.arn : null
  performance_insights_retention_period = var.db_performance_insights ? 7 : null

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  tags = local.tags

  lifecycle {
    precondition {
      condition     = var.db_max_allocated_storage_gib >= var.db_allocated_storage_gib
      error_message = "db_max_allocated_storage_gib must be at least db_allocated_storage_gib."
    }
  }
}
