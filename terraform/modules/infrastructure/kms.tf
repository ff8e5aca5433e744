# One customer-managed key encrypts the deployment's data at rest: Kubernetes
# secrets in etcd, the database and its Performance Insights, the Secrets
# Manager secrets, the log file system and the image repositories. The key
# policy is the AWS default (the account's IAM policies decide who may use it),
# and the key material rotates every year.

resource "aws_kms_key" "main" {
  description             = "Data at rest of ${local.prefix}: EKS secrets, RDS, Secrets Manager, EFS, ECR"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days

  tags = merge(local.tags, { Name = local.prefix })
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.prefix}"
  target_key_id = aws_kms_key.main.key_id
}
