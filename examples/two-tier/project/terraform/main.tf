# Project-level resources configured from the inventory (tierdeploy writes
# inventory.auto.tfvars.json here before planning).

terraform {
  backend "local" {}
}

variable "inventory" {
  description = "The infrastructure inventory of the environment."
  type        = any
  default     = {}
}

variable "replicas" {
  description = "Number of application replicas."
  type        = number
  default     = 1
}

resource "terraform_data" "dashboard" {
  input = {
    cluster  = try(var.inventory.cluster.name, "unknown")
    replicas = var.replicas
  }
}

output "dashboard" {
  value = terraform_data.dashboard.output
}
