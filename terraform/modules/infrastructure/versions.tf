terraform {
  # Optional object attributes with defaults need 1.3; 1.6 is the oldest
  # release line both OpenTofu and Terraform still share.
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Both majors: every argument used exists in 5.100 and in 6.x (see
      # the README's provider section).
      version = ">= 5.100.0, < 7.0.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6.0, < 4.0.0"
    }
  }
}
