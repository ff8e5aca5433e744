variable "revision" {
  type    = number
  default = 1
}

variable "sleep" {
  type    = number
  default = 0
}

# Each revision replaces the resource, and creating it runs the provisioner:
# an apply that holds the state lock for as long as the sleep.
resource "terraform_data" "slow" {
  triggers_replace = [var.revision]

  provisioner "local-exec" {
    command = "sleep ${var.sleep}"
  }
}
