variable "replicas" {
  type    = number
  default = 3
}

resource "terraform_data" "cluster" {
  input = var.replicas

  lifecycle {
    precondition {
      condition     = var.replicas <= 2
      error_message = "The cluster takes at most 2 replicas."
    }
  }
}
