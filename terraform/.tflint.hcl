# TFLint settings for the reference infrastructure (scripts/check-terraform.sh).
# Only the terraform ruleset bundled with TFLint is used, so linting needs no
# network and no `tflint --init`.

config {
  # Follow calls to local modules, so the environment roots are checked
  # together with terraform/modules/infrastructure.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
