# General

variable "name" {
  description = "Name of the deployment, the first part of every resource name (for example meltano)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "The name must be 2 to 20 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the resources belong to (for example staging or prod); the second part of every resource name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,11}$", var.environment))
    error_message = "The environment must be 1 to 12 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the provider configuration the module runs with (for example eu-west-1); checked against the region's availability zones."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "The region must look like eu-west-1."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags, on top of the provider's default tags."
  type        = map(string)
  default     = {}
}

variable "kms_deletion_window_days" {
  description = "Days a scheduled deletion of the KMS key waits before the key is deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "The KMS deletion window must be between 7 and 30 days."
  }
}

variable "deletion_protection" {
  description = "Protects the database instance from deletion (and keeps a final snapshot). Turn it off only to tear an environment down."
  type        = bool
  default     = true
}

# Network

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC, a /16 to /20. Private subnets get an eighth of it each, public subnets a sixty-fourth."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "The VPC CIDR must be a valid IPv4 CIDR block from /16 to /20."
  }
}

variable "availability_zone_count" {
  description = "Number of availability zones to spread the subnets, NAT gateways, nodes and mount targets over."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 4 && floor(var.availability_zone_count) == var.availability_zone_count
    error_message = "The availability zone count must be a whole number from 2 to 4 (RDS needs two zones)."
  }
}

variable "single_nat_gateway" {
  description = "Uses one NAT gateway for all private subnets instead of one per zone: cheaper, but a zone outage cuts egress everywhere."
  type        = bool
  default     = false
}

variable "flow_logs_retention_days" {
  description = "Days VPC flow logs are kept in CloudWatch Logs; 0 turns flow logs off."
  type        = number
  default     = 90

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs_retention_days)
    error_message = "The flow logs retention must be 0 or a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... days)."
  }
}

# Kubernetes

variable "cluster_version" {
  description = "Kubernetes version of the EKS cluster (major.minor). Pick one in EKS standard support."
  type        = string
  default     = "1.35"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.cluster_version))
    error_message = "The cluster version must look like 1.35."
  }
}

variable "cluster_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the Kubernetes API over the internet, such as the CI runners' egress addresses. Empty keeps the API private to the VPC."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.cluster_public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "Every public access entry must be a valid CIDR block."
  }
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles or users given cluster-admin access through EKS access entries: the CI role that deploys the Helm releases and the operators' role."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.cluster_admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a))])
    error_message = "Every cluster admin must be the ARN of an IAM role or user."
  }
}

variable "cluster_log_retention_days" {
  description = "Days the EKS control plane logs (api, audit, authenticator) are kept in CloudWatch Logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cluster_log_retention_days)
    error_message = "The cluster log retention must be a CloudWatch Logs retention period (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... days)."
  }
}

variable "node_groups" {
  description = "EKS managed node groups by name. Each runs in every private subnet; desired_size is only the initial size (the cluster autoscaler or you change it later)."
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    ami_type       = optional(string, "AL2023_x86_64_STANDARD")
    min_size       = number
    max_size       = number
    desired_size   = number
    disk_size_gib  = optional(number, 50)
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = optional(string)
      effect = string
    })), [])
  }))
  default = {
    default = {
      instance_types = ["m7i.large", "m6i.large"]
      min_size       = 2
      max_size       = 6
      desired_size   = 3
    }
  }

  validation {
    condition     = length(var.node_groups) > 0
    error_message = "Define at least one node group."
  }
  validation {
    condition     = alltrue([for n, g in var.node_groups : can(regex("^[a-z][a-z0-9-]{0,19}$", n))])
    error_message = "Node group names must be 1 to 20 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size >= 0 && g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.max_size >= 1])
    error_message = "Every node group needs 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }
  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "The capacity type of a node group must be ON_DEMAND or SPOT."
  }
  validation {
    condition     = alltrue([for g in values(var.node_groups) : length(g.instance_types) > 0 && g.disk_size_gib >= 20])
    error_message = "Every node group needs at least one instance type and a disk of at least 20 GiB."
  }
  validation {
    condition     = alltrue(flatten([for g in values(var.node_groups) : [for t in g.taints : contains(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"], t.effect)]]))
    error_message = "A taint effect must be NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE."
  }
}

variable "namespace" {
  description = "Kubernetes namespace of the Meltano and Airflow releases; the IAM roles for service accounts trust service accounts of this namespace only."
  type        = string
  default     = "meltano"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "The namespace must be a valid Kubernetes namespace name."
  }
}

variable "service_account_names" {
  description = "Names of the Kubernetes service accounts that get an IAM role: the Meltano Deployment, the Meltano job pods started by Airflow's KubernetesPodOperator, and Airflow's KubernetesExecutor worker pods."
  type = object({
    meltano         = optional(string, "meltano")
    meltano_jobs    = optional(string, "meltano-jobs")
    airflow_workers = optional(string, "airflow-worker")
  })
  default = {}

  validation {
    condition     = alltrue([for n in values(var.service_account_names) : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", n))])
    error_message = "Service account names must be valid Kubernetes names."
  }
}

variable "service_account_policy_arns" {
  description = "Extra IAM managed policies to attach to each service account's role, such as access to the buckets your extractors and loaders use. Each role can already read its own database secret."
  type = object({
    meltano         = optional(list(string), [])
    meltano_jobs    = optional(list(string), [])
    airflow_workers = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = alltrue([for a in flatten(values(var.service_account_policy_arns)) : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", a))])
    error_message = "Every extra policy must be the ARN of an IAM managed policy."
  }
}

# Database

variable "postgres_version" {
  description = "PostgreSQL version of the database instance: a major version (17) lets RDS pick and upgrade the minor version."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^1[4-9](\\.[0-9]+)?$", var.postgres_version))
    error_message = "The PostgreSQL version must be 14 or later, as a major version (17) or major.minor (17.6)."
  }
}

variable "db_instance_class" {
  description = "RDS instance class of the database instance."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_instance_class))
    error_message = "The instance class must look like db.t4g.medium."
  }
}

variable "db_allocated_storage_gib" {
  description = "Initial storage of the database instance, in GiB."
  type        = number
  default     = 50

  validation {
    condition     = var.db_allocated_storage_gib >= 20 && var.db_allocated_storage_gib <= 65536
    error_message = "The allocated storage must be between 20 and 65536 GiB."
  }
}

variable "db_max_allocated_storage_gib" {
  description = "Upper limit of storage autoscaling, in GiB; equal to the allocated storage to turn autoscaling off."
  type        = number
  default     = 200

  validation {
    condition     = var.db_max_allocated_storage_gib >= 20 && var.db_max_allocated_storage_gib <= 65536
    error_message = "The maximum allocated storage must be between 20 and 65536 GiB."
  }
}

variable "db_multi_az" {
  description = "Runs a standby database instance in a second zone with automatic failover."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Days automated backups and point-in-time recovery are kept."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "Backups must be kept between 1 and 35 days: a careful setup never turns them off."
  }
}

variable "db_backup_window" {
  description = "Daily UTC window of automated backups (hh24:mi-hh24:mi), outside the maintenance window."
  type        = string
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_backup_window))
    error_message = "The backup window must look like 02:00-03:00 (UTC)."
  }
}

variable "db_maintenance_window" {
  description = "Weekly UTC maintenance window of the database instance (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:04:00-sun:05:00"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_maintenance_window))
    error_message = "The maintenance window must look like sun:04:00-sun:05:00 (UTC)."
  }
}

variable "db_performance_insights" {
  description = "Turns on Performance Insights (seven days of retention, encrypted with the deployment's KMS key)."
  type        = bool
  default     = true
}

variable "secret_recovery_window_days" {
  description = "Days a deleted database secret can still be restored; 0 deletes at once (only for throwaway environments)."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "The secret recovery window must be 0 or between 7 and 30 days."
  }
}

# Storage

variable "efs_throughput_mode" {
  description = "Throughput mode of the log file system: elastic (pay per use, recommended for spiky log writes) or bursting."
  type        = string
  default     = "elastic"

  validation {
    condition     = contains(["elastic", "bursting"], var.efs_throughput_mode)
    error_message = "The EFS throughput mode must be elastic or bursting."
  }
}

variable "efs_transition_to_ia" {
  description = "When log files move to EFS Infrequent Access storage (for example AFTER_30_DAYS)."
  type        = string
  default     = "AFTER_30_DAYS"

  validation {
    condition     = contains(["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"], var.efs_transition_to_ia)
    error_message = "The transition must be one of AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS or AFTER_365_DAYS."
  }
}

variable "logs_claim_name" {
  description = "Name of the PersistentVolumeClaim the project tier creates for the log file system; Meltano and Airflow both mount it."
  type        = string
  default     = "meltano-logs"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.logs_claim_name))
    error_message = "The claim name must be a valid Kubernetes name."
  }
}

variable "logs_posix_user" {
  description = "POSIX user and group every access through the log access point is made as. The default matches the Apache Airflow image (uid 50000, gid 0), so Airflow and Meltano pods share the files whatever user they run as."
  type = object({
    uid = optional(number, 50000)
    gid = optional(number, 0)
  })
  default = {}

  validation {
    condition     = var.logs_posix_user.uid > 0 && var.logs_posix_user.gid >= 0
    error_message = "The log access point must not act as root: uid must be greater than 0 and gid at least 0."
  }
}

# Registry

variable "ecr_image_tag_mutability" {
  description = "Tag mutability of the image repositories: IMMUTABLE (recommended: a tag always names the same image) or MUTABLE."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = contains(["IMMUTABLE", "MUTABLE"], var.ecr_image_tag_mutability)
    error_message = "The tag mutability must be IMMUTABLE or MUTABLE."
  }
}

variable "ecr_untagged_image_expiry_days" {
  description = "Days after which untagged images are deleted from the image repositories."
  type        = number
  default     = 14

  validation {
    condition     = var.ecr_untagged_image_expiry_days >= 1
    error_message = "Untagged images must be kept at least one day."
  }
}

variable "ecr_max_image_count" {
  description = "Number of most recent images each repository keeps; older ones are deleted."
  type        = number
  default     = 200

  validation {
    condition     = var.ecr_max_image_count >= 10
    error_message = "Keep at least 10 images so that a rollback remains possible."
  }
}
