#!/usr/bin/env bash
# The AWS side of the reference deployment's end-to-end test, which the
# machine image provides (nothing is downloaded here):
#   - moto 5 with its server, and the AWS CLI, in the system Python;
#   - HashiCorp Terraform 1.11 or later on PATH (a second product beside
#     OpenTofu in the Terraform stage's tests);
#   - kubectl, jq and openssl, which deploy/bootstrap.sh needs;
#   - the AWS provider 5.100.0 as a filesystem mirror (AWS_PROVIDER_MIRROR,
#     default /opt/tf-plugins, laid out for registry.terraform.io), linked
#     into the project's mirror under both registry hosts, so that OpenTofu
#     (registry.opentofu.org) and Terraform find it through tofu.tfrc.
# It fails with one line per missing piece.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
AWS_PROVIDER_VERSION="${AWS_PROVIDER_VERSION:-5.100.0}"
AWS_PROVIDER_MIRROR="${AWS_PROVIDER_MIRROR:-/opt/tf-plugins}"

problems=()
if ! out=$(python3 -c 'import moto, moto.server; print(moto.__version__)' 2>&1); then
  problems+=("python3 cannot import moto's server (pip install 'moto[server]'): $(tail -n1 <<<"$out")")
elif [ "${out%%.*}" != 5 ]; then
  problems+=("moto $out is installed; the tests are written against moto 5")
fi
command -v aws >/dev/null || problems+=("the AWS CLI (aws) is not on PATH")
for tool in kubectl jq openssl; do
  command -v "$tool" >/dev/null || problems+=("$tool is not on PATH (deploy/bootstrap.sh needs it)")
done

# The first terraform on PATH that is 1.11 or later, skipping $BIN's build
# of an older release.
tf_ok=
while IFS= read -r -d: dir || [ -n "$dir" ]; do
  [ -x "$dir/terraform" ] || continue
  v=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$dir/terraform" version -json 2>/dev/null |
    sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')
  major=${v%%.*} rest=${v#*.} minor=${rest%%.*}
  if [ -n "$v" ] && { [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 11 ]; }; }; then
    tf_ok=$dir/terraform
    break
  fi
done <<<"$PATH:"
[ -n "$tf_ok" ] || problems+=("no HashiCorp Terraform 1.11 or later on PATH")

file="terraform-provider-aws_v${AWS_PROVIDER_VERSION}_x5"
src="$AWS_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64/$file"
if [ -x "$src" ]; then
  for host in registry.opentofu.org registry.terraform.io; do
    d="$TOOLS/mirror/$host/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64"
    if [ "$(readlink "$d/$file" 2>/dev/null)" != "$src" ]; then
      mkdir -p "$d"
      ln -sfn "$src" "$d/$file"
    fi
  done
else
  problems+=("the AWS provider $AWS_PROVIDER_VERSION is not at $src (set AWS_PROVIDER_MIRROR to the filesystem mirror that has it)")
fi

if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do log "error: $p"; done
  die "the AWS emulator, Terraform 1.11 or the AWS provider mirror is missing from this machine (see above)"
fi
