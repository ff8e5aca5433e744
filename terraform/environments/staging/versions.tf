terraform {
  # The S3 backend's native locking (use_lockfile) needs OpenTofu or Terraform 1.10.
  required_version = ">= 1.10.0"

  # The module also needs the random provider. Commit the
  # .terraform.lock.hcl that the first `tofu init` writes: it pins the exact
  # versions and checksums of both providers.

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }
}
