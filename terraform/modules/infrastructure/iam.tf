# IAM roles for service accounts (IRSA). Each role trusts exactly one service
# account of the deployment's namespace through the cluster's OIDC provider,
# may read its own database secret, and gets the extra policies listed in
# service_account_policy_arns.

locals {
  service_accounts = {
    meltano = {
      name     = var.service_account_names.meltano
      database = "meltano"
      purpose  = "the Meltano Deployment"
    }
    meltano_jobs = {
      name     = var.service_account_names.meltano_jobs
      database = "meltano"
      purpose  = "Meltano job pods started by Airflow's KubernetesPodOperator"
    }
    airflow_workers = {
      name     = var.service_account_names.airflow_workers
      database = "airflow"
      purpose  = "Airflow KubernetesExecutor worker pods"
    }
  }

  extra_policies = merge([
    for sa, arns in var.service_account_policy_arns : {
      for arn in arns : "${sa} ${arn}" => { service_account = sa, policy_arn = arn }
    }
  ]...)
}

data "aws_iam_policy_document" "service_account_trust" {
  for_each = local.service_accounts

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.cluster.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${each.value.name}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "service_account" {
  for_each = local.service_accounts

  name               = "${local.prefix}-${replace(each.key, "_", "-")}"
  description        = "Role of ${each.value.purpose} (${var.namespace}/${each.value.name})"
  assume_role_policy = data.aws_iam_policy_document.service_account_trust[each.key].json

  tags = local.tags
}

data "aws_iam_policy_document" "read_database_secret" {
  for_each = local.service_accounts

  statement {
    sid       = "ReadOwnDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_secretsmanager_secret.database[each.value.database].arn]
  }

  statement {
    sid       = "DecryptThroughSecretsManager"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.main.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "read_database_secret" {
  for_each = local.service_accounts

  name   = "read-${each.value.database}-database-secret"
  role   = aws_iam_role.service_account[each.key].id
  policy = data.aws_iam_policy_document.read_database_secret[each.key].json
}

resource "aws_iam_role_policy_attachment" "service_account_extra" {
  for_each = local.extra_policies

  role       = aws_iam_role.service_account[each.value.service_account].name
  policy_arn = each.value.policy_arn
}

# The EFS CSI driver's controller and node service accounts in kube-system.

data "aws_iam_policy_document" "efs_csi_driver_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.cluster.arn]
    }

    condition {
      test     = "StringLike"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:kube-system:efs-csi-*"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "efs_csi_driver" {
  name               = "${local.prefix}-efs-csi-driver"
  description        = "Role of the EFS CSI driver of ${local.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.efs_csi_driver_trust.json

  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "efs_csi_driver" {
  role       = aws_iam_role.efs_csi_driver.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy"
}
