variable "aws_account_id" {
  description = "AWS account this environment lives in; the provider refuses to touch any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "The account id must be 12 digits."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "The region must look like eu-west-1."
  }
}

variable "cluster_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the Kubernetes API from the internet (the CI runners' egress addresses); empty keeps the API private."
  type        = list(string)
  default     = []
}

variable "cluster_admin_principal_arns" {
  description = "IAM roles given cluster-admin access: the CI role that deploys the Helm releases and the operators' role."
  type        = list(string)
}
