# Application database credentials. Each application gets its own login role
# and a generated password kept in a Secrets Manager secret encrypted with the
# deployment key. Outputs carry only the secret's ARN, never the password.
#
# The secret value is a JSON object with the fields RDS uses for its own
# secrets (engine, host, port, dbname, username, password) plus "uri", a
# ready-made postgresql:// URI that requires TLS. Passwords are letters and
# digits only, so the URI needs no escaping.
#
# The passwords are in the Terraform state (encrypted in the state bucket,
# readable by whoever can read the state). They do not rotate on their own: to
# rotate one, taint its random_password, apply, run the bootstrap again and
# restart the pods.

resource "random_password" "database" {
  for_each = local.databases

  length  = 40
  special = false
}

resource "aws_secretsmanager_secret" "database" {
  for_each = local.databases

  name                    = "${local.prefix}/database/${each.key}"
  description             = "Login of the ${each.key} role on the ${each.value.name} database of ${aws_db_instance.main.identifier}"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = var.secret_recovery_window_days

  tags = local.tags
}

resource "aws_secretsmanager_secret_version" "database" {
  for_each = local.databases

  secret_id = aws_secretsmanager_secret.database[each.key].id
  secret_string = jsonencode({
    engine   = "postgres"
    host     = aws_db_instance.main.address
    port     = aws_db_instance.main.port
    dbname   = each.value.name
    username = each.value.username
    password = random_password.database[each.key].result
    uri = format("postgresql://%s:%s@%s:%d/%s?sslmode=require",
      each.value.username,
      random_password.database[each.key].result,
      aws_db_instance.main.address,
      aws_db_instance.main.port,
      each.value.name,
    )
  })
}
