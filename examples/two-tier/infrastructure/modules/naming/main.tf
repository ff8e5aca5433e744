# Names every resource of an environment consistently.

variable "environment" {
  description = "Environment name, such as staging or prod."
  type        = string
}

variable "project" {
  description = "Project name used as the prefix of every name."
  type        = string
}

resource "random_pet" "suffix" {
  length = 1
  keepers = {
    environment = var.environment
  }
}

output "prefix" {
  description = "Prefix for resource names: <project>-<environment>-<pet>."
  value       = "${var.project}-${var.environment}-${random_pet.suffix.id}"
}
