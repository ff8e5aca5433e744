variable "environment" {
  description = "Environment name, such as staging or prod."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*$", var.environment))
    error_message = "The environment name must be lowercase letters, digits and dashes."
  }
}

variable "region" {
  description = "Region the platform runs in."
  type        = string
  default     = "eu-west-1"
}

variable "node_count" {
  description = "Number of cluster nodes."
  type        = number
  default     = 2
}

variable "database_size" {
  description = "Database instance class."
  type        = string
  default     = "db.t4g.small"
}
