terraform {
  required_providers {
    random = {
      source  = "hashicorp/random"
      version = "3.9.0"
    }
    local = {
      source  = "hashicorp/local"
      version = "2.9.0"
    }
  }
}

variable "name" {
  type    = string
  default = "alpha"
}

variable "revision" {
  type    = number
  default = 1
}

variable "extra" {
  type    = bool
  default = true
}

variable "password" {
  type      = string
  sensitive = true
}

resource "terraform_data" "app" {
  input = { name = var.name }
}

resource "terraform_data" "rotated" {
  input            = "static"
  triggers_replace = [var.revision]
}

resource "terraform_data" "extra" {
  count = var.extra ? 1 : 0
  input = "extra"
}

resource "terraform_data" "credentials" {
  input = { user = "admin", password = var.password }
}

resource "random_pet" "server" {
  keepers = { revision = var.revision }
}

resource "local_file" "motd" {
  filename = "${path.module}/motd.txt"
  content  = "welcome to ${var.name}\n"
}

output "app_name" {
  value = terraform_data.app.output.name
}

output "pet" {
  value = random_pet.server.id
}

output "db_password" {
  value     = var.password
  sensitive = true
}

output "connection" {
  value     = "postgres://admin:${var.password}@db.internal/app"
  sensitive = true
}
