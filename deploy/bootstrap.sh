#!/usr/bin/env bash
# One-time setup of an environment, after its infrastructure tier is applied
# and before its project tier is deployed:
#   1. creates the meltano and airflow login roles and databases on the RDS
#      instance and sets their passwords, from a short-lived psql pod in the
#      cluster (the database is private), as the RDS master user;
#   2. creates the Secrets the releases read: meltano-database (password,
#      uri), airflow-metadata (connection), and Airflow's Fernet, API and JWT
#      keys (generated once, then kept).
# It is idempotent: run it again after rotating a password or to restore a
# Secret. Passwords go through files in a private temporary directory, never
# through command-line arguments.
#
# The cluster is reached as tierdeploy reaches it: its endpoint, CA and name
# come from the inventory, and `aws eks get-token` signs kubectl's tokens
# with your AWS credentials, through a kubeconfig kept in the private
# temporary directory (yours is neither read nor changed).
#
# Usage: deploy/bootstrap.sh ENVIRONMENT
# Needs aws (credentials of the environment's account, with an access entry
# on the cluster), kubectl, jq, openssl.
# Environment: INVENTORY_PARAMETER (default /meltano/ENVIRONMENT/inventory),
# INVENTORY_REGION (the region of that parameter, inventory.ssm.region in
# tierdeploy.yaml; default eu-west-1, as in tierdeploy.reference.yaml),
# POSTGRES_IMAGE (default postgres:17), MELTANO_DOTENV (a .env file to store
# as the Secret meltano-dotenv), KUBE_CONTEXT (a context of your own
# kubeconfig to use instead of the inventory's cluster).
set -euo pipefail

env=${1:?usage: deploy/bootstrap.sh ENVIRONMENT}
parameter=${INVENTORY_PARAMETER:-/meltano/$env/inventory}
inventory_region=${INVENTORY_REGION:-eu-west-1}
postgres_image=${POSTGRES_IMAGE:-postgres:17}
dotenv=${MELTANO_DOTENV:-}

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }
for tool in aws kubectl jq openssl; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

umask 077
work=$(mktemp -d)
kube=()
cleanup() {
  if [ -n "${ns:-}" ] && [ "${#kube[@]}" -gt 0 ]; then
    kubectl "${kube[@]}" --namespace "$ns" delete secret meltano-bootstrap --ignore-not-found >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "reading the inventory from $parameter in $inventory_region"
aws ssm get-parameter --region "$inventory_region" --with-decryption --name "$parameter" --query Parameter.Value --output text |
  jq -e '.values' >"$work/inventory.json" ||
  die "cannot read the inventory $parameter in $inventory_region (was the infrastructure tier applied? is INVENTORY_REGION inventory.ssm.region?)"
inv() { jq -er "$1" "$work/inventory.json"; }
region=$(inv .region)
ns=$(inv .namespace)

if [ -n "${KUBE_CONTEXT:-}" ]; then
  kube=(--context "$KUBE_CONTEXT")
else
  cluster=$(inv .cluster.name)
  say "reaching EKS cluster $cluster from the inventory"
  inv .cluster.ca_data | openssl base64 -d -A >"$work/cluster-ca.crt" ||
    die "the inventory's cluster.ca_data is not base64"
  kcfg=(--kubeconfig "$work/kubeconfig")
  kubectl config "${kcfg[@]}" set-cluster eks --server "$(inv .cluster.endpoint)" \
    --certificate-authority "$work/cluster-ca.crt" --embed-certs >/dev/null
  kubectl config "${kcfg[@]}" set-credentials eks --exec-api-version client.authentication.k8s.io/v1beta1 \
    --exec-command aws --exec-arg eks --exec-arg get-token --exec-arg --cluster-name --exec-arg "$cluster" \
    --exec-arg --region --exec-arg "$region" --exec-arg --output --exec-arg json >/dev/null
  kubectl config "${kcfg[@]}" set-context eks --cluster eks --user eks >/dev/null
  kubectl config "${kcfg[@]}" use-context eks >/dev/null
  kube=("${kcfg[@]}")
fi
kc() { kubectl "${kube[@]}" --namespace "$ns" "$@"; }

# secret_json ARN FILE writes the value of a Secrets Manager secret to FILE.
secret_json() {
  aws secretsmanager get-secret-value --region "$region" --secret-id "$1" \
    --query SecretString --output text >"$2" || die "cannot read secret $1"
}
secret_json "$(inv .database_instance.master_secret_arn)" "$work/master.json"
secret_json "$(inv .meltano_database.secret_arn)" "$work/meltano.json"
secret_json "$(inv .airflow_database.secret_arn)" "$work/airflow.json"

kubectl "${kube[@]}" create namespace "$ns" --dry-run=client -o yaml |
  kubectl "${kube[@]}" apply -f - >/dev/null

# field FILE KEY [DIR] writes one field of a JSON file to DIR/KEY.
field() {
  local dir=${3:-$work/env}
  mkdir -p "$dir"
  jq -jer --arg k "$2" '.[$k]' "$1" >"$dir/$2" || die "$1 has no $2"
}

say "creating the database roles and databases on $(inv .meltano_database.host)"
mkdir -p "$work/env"
printf '%s' "$(inv .meltano_database.host)" >"$work/env/PGHOST"
printf '%s' "$(inv .meltano_database.port)" >"$work/env/PGPORT"
printf '%s' "$(inv .database_instance.master_username)" >"$work/env/PGUSER"
printf 'postgres' >"$work/env/PGDATABASE"
printf 'require' >"$work/env/PGSSLMODE"
jq -jer '.password' "$work/master.json" >"$work/env/PGPASSWORD"
printf '%s' "$(inv .meltano_database.username)" >"$work/env/MELTANO_USER"
printf '%s' "$(inv .meltano_database.name)" >"$work/env/MELTANO_DB"
printf '%s' "$(inv .airflow_database.username)" >"$work/env/AIRFLOW_USER"
printf '%s' "$(inv .airflow_database.name)" >"$work/env/AIRFLOW_DB"
jq -jer '.password' "$work/meltano.json" >"$work/env/MELTANO_PASSWORD"
jq -jer '.password' "$work/airflow.json" >"$work/env/AIRFLOW_PASSWORD"
kc create secret generic meltano-bootstrap --from-file="$work/env" --dry-run=client -o yaml | kc apply -f - >/dev/null

overrides=$(jq -cn --arg image "$postgres_image" '{
  spec: {
    automountServiceAccountToken: false,
    securityContext: {runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: {type: "RuntimeDefault"}},
    containers: [{
      name: "meltano-bootstrap", image: $image, stdin: true, stdinOnce: true,
      command: ["psql", "--no-psqlrc", "--quiet"],
      envFrom: [{secretRef: {name: "meltano-bootstrap"}}],
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: ["ALL"]}}
    }]
  }
}')
kc run meltano-bootstrap --image="$postgres_image" --restart=Never --rm -i --quiet \
  --overrides="$overrides" <<'SQL' || die "the database bootstrap failed (see the psql output above)"
\set ON_ERROR_STOP on
\getenv meltano_user MELTANO_USER
\getenv meltano_db MELTANO_DB
\getenv meltano_password MELTANO_PASSWORD
\getenv airflow_user AIRFLOW_USER
\getenv airflow_db AIRFLOW_DB
\getenv airflow_password AIRFLOW_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'meltano_user', :'airflow_user']) AS r
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE :"meltano_user" WITH LOGIN PASSWORD :'meltano_password';
ALTER ROLE :"airflow_user" WITH LOGIN PASSWORD :'airflow_password';
-- Needed to create a database owned by the role (PostgreSQL 16 and later).
GRANT :"meltano_user", :"airflow_user" TO CURRENT_USER;
SELECT format('CREATE DATABASE %I OWNER %I', d.name, d.owner)
  FROM (VALUES (:'meltano_db', :'meltano_user'), (:'airflow_db', :'airflow_user')) AS d(name, owner)
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = d.name) \gexec
REVOKE ALL ON DATABASE :"meltano_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"airflow_db" FROM PUBLIC;
SQL

say "creating the Secrets of namespace $ns"
# apply_secret NAME DIR creates or updates Secret NAME with one key per file.
apply_secret() {
  kc create secret generic "$1" --from-file="$2" --dry-run=client -o yaml | kc apply -f - >/dev/null
}
field "$work/meltano.json" password "$work/meltano-database"
# Meltano 4 reaches PostgreSQL through psycopg 3.
jq -jer '.uri | sub("^postgresql:"; "postgresql+psycopg:")' "$work/meltano.json" >"$work/meltano-database/uri"
apply_secret meltano-database "$work/meltano-database"
mkdir -p "$work/airflow-metadata"
jq -jer '.uri' "$work/airflow.json" >"$work/airflow-metadata/connection"
apply_secret airflow-metadata "$work/airflow-metadata"

# Keys that must never change once set: created only when missing.
generate_once() {
  local name=$1 key=$2
  if kc get secret "$name" >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$work/$name"
  "${@:3}" >"$work/$name/$key"
  apply_secret "$name" "$work/$name"
  say "generated $name"
}
fernet_key() { openssl rand -base64 32 | tr '+/' '-_' | tr -d '\n'; }
hex_key() { openssl rand -hex 32 | tr -d '\n'; }
generate_once airflow-fernet-key fernet-key fernet_key
generate_once airflow-api-secret-key api-secret-key hex_key
generate_once airflow-jwt-secret jwt-secret hex_key

if [ -n "$dotenv" ]; then
  [ -f "$dotenv" ] || die "MELTANO_DOTENV=$dotenv is not a file"
  kc create secret generic meltano-dotenv --from-file=.env="$dotenv" --dry-run=client -o yaml | kc apply -f - >/dev/null
  say "stored $dotenv as Secret meltano-dotenv"
elif ! kc get secret meltano-dotenv >/dev/null 2>&1; then
  say "note: Secret meltano-dotenv (key .env: your extractors' and loaders' settings) does not exist yet:"
  say "  run again with MELTANO_DOTENV=path/to/.env"
fi
say "done: deploy the project tier of $env"
