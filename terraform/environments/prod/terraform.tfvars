# Example values: replace them with your own before the first apply.
aws_account_id = "222222222222"
region         = "eu-west-1"

cluster_public_access_cidrs = []
cluster_admin_principal_arns = [
  "arn:aws:iam::222222222222:role/meltano-deploy",
  "arn:aws:iam::222222222222:role/platform-admin",
]
