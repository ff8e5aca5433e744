#!/usr/bin/env bash
# HashiCorp Terraform 1.5.7, built from the Go module proxy (plain go install
# works for this version; later ones do not build that way). The Terraform
# stage's tests run on OpenTofu; a smoke test runs the stage on this binary
# too. About 7 minutes cold on 2 cores, seconds with a warm Go build cache.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
TERRAFORM_VERSION="${TERRAFORM_VERSION:-v1.5.7}"

# Installed as terraform-<version>, never as plain `terraform`: `make test` puts
# .tools/bin first on PATH, and the machine's own Terraform (a newer release)
# must stay the one that PATH finds.
goinstall terraform "github.com/hashicorp/terraform@${TERRAFORM_VERSION}" "terraform-${TERRAFORM_VERSION#v}"
# An older layout installed it as bin/terraform: remove that copy.
if [ "$(cat "$BIN/.terraform.version" 2>/dev/null)" = "github.com/hashicorp/terraform@${TERRAFORM_VERSION}" ]; then
  rm -f "$BIN/terraform" "$BIN/.terraform.version"
fi
