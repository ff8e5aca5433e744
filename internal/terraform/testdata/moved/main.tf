# The second version of a configuration whose first version
# (testdata/moved-before) named the resource terraform_data.old_name.
resource "terraform_data" "new_name" {
  input = "kept"
}

moved {
  from = terraform_data.old_name
  to   = terraform_data.new_name
}

resource "random_string" "imported" {
  length  = 8
  special = false
  upper   = false
  numeric = false
}

import {
  to = random_string.imported
  id = "abcdefgh"
}
