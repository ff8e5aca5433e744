# State lives in a versioned, encrypted S3 bucket of the environment's account,
# locked with S3's native lock file. Create the bucket once, by hand or from a
# separate bootstrap root, then set its name here (see terraform/README.md).
terraform {
  backend "s3" {
    bucket       = "example-meltano-prod-tfstate"
    key          = "infrastructure/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}
