resource "terraform_data" "old_name" {
  input = "kept"
}
