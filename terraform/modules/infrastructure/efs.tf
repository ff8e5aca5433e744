# The log file system shared by Meltano and Airflow (ReadWriteMany). Pods mount
# it through one access point that pins the POSIX identity and the /logs
# directory, over TLS; the project tier creates the PersistentVolume and the
# claim named by logs_claim_name from the volume handle in the inventory.

resource "aws_efs_file_system" "logs" {
  creation_token   = "${local.prefix}-logs"
  encrypted        = true
  kms_key_id       = aws_kms_key.main.arn
  performance_mode = "generalPurpose"
  throughput_mode  = var.efs_throughput_mode

  lifecycle_policy {
    transition_to_ia = var.efs_transition_to_ia
  }

  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }

  tags = merge(local.tags, { Name = "${local.prefix}-logs" })
}

resource "aws_security_group" "efs" {
  name        = "${local.prefix}-efs"
  description = "NFS to the log file system of ${local.prefix}: from the EKS cluster only"
  vpc_id      = aws_vpc.main.id

  tags = merge(local.tags, { Name = "${local.prefix}-efs" })
}

resource "aws_vpc_security_group_ingress_rule" "efs_from_cluster" {
  security_group_id            = aws_security_group.efs.id
  description                  = "NFS from the EKS cluster and its nodes"
  referenced_security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
}

resource "aws_efs_mount_target" "logs" {
  for_each = aws_subnet.private

  file_system_id  = aws_efs_file_system.logs.id
  subnet_id       = each.value.id
  security_groups = [aws_security_group.efs.id]
}

resource "aws_efs_access_point" "logs" {
  file_system_id = aws_efs_file_system.logs.id

  posix_user {
    uid = var.logs_posix_user.uid
    gid = var.logs_posix_user.gid
  }

  root_directory {
    path = "/logs"

    creation_info {
      owner_uid   = var.logs_posix_user.uid
      owner_gid   = var.logs_posix_user.gid
      permissions = "0775"
    }
  }

  tags = merge(local.tags, { Name = "${local.prefix}-logs" })
}

# Mounts must come through a mount target and use TLS; nothing else is allowed.
data "aws_iam_policy_document" "efs" {
  statement {
    sid       = "MountThroughMountTargets"
    actions   = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    resources = [aws_efs_file_system.logs.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "elasticfilesystem:AccessedViaMountTarget"
      values   = ["true"]
    }
  }

  statement {
    sid       = "DenyUnencryptedTransport"
    effect    = "Deny"
    actions   = ["*"]
    resources = [aws_efs_file_system.logs.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_efs_file_system_policy" "logs" {
  file_system_id = aws_efs_file_system.logs.id
  policy         = data.aws_iam_policy_document.efs.json
}
