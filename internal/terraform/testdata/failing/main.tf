resource "terraform_data" "broken" {
  input = terraform_data.missing.output
}
