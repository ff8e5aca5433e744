# A root module as a hostile change could write it: a data source reads the
# environment of the provider process, which Terraform starts with its own
# environment, and an output publishes what it found in the plan.
terraform {
  required_providers {
    local = {
      source  = "hashicorp/local"
      version = "2.9.0"
    }
  }
}

data "local_file" "environ" {
  filename = "/proc/self/environ"
}

output "sees_platform_token" {
  value = strcontains(data.local_file.environ.content, "planted-platform-token")
}

output "sees_cloud_credentials" {
  value = strcontains(data.local_file.environ.content, "planted-cloud-key")
}
