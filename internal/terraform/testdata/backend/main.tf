terraform {
  backend "local" {}
}

variable "environment" {
  type = string
}

resource "terraform_data" "env" {
  input = var.environment
}

output "environment" {
  value = terraform_data.env.output
}
