#!/usr/bin/env bash
# The random and local providers, built from the Go module proxy under their
# historical module path and laid out as a filesystem mirror for both the
# OpenTofu and the Terraform registry host, with a CLI config that uses only it.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"

PROVIDERS=(
  "random github.com/terraform-providers/terraform-provider-random@v1.3.2-0.20260824155315-e1092b0cfc07 3.9.0"
  "local github.com/terraform-providers/terraform-provider-local@v1.4.1-0.20260513075820-3561e410f9fe 2.9.0"
)
mirror="$TOOLS/mirror"
for p in "${PROVIDERS[@]}"; do
  read -r name modver ver <<<"$p"
  file="terraform-provider-${name}_v$ver"
  if [ -x "$mirror/registry.opentofu.org/hashicorp/$name/$ver/linux_amd64/$file" ] &&
     [ -x "$mirror/registry.terraform.io/hashicorp/$name/$ver/linux_amd64/$file" ]; then
    continue
  fi
  log "building provider $name $ver"
  gobin=$(mktemp -d)
  GOBIN="$gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$modver" ||
    { rm -rf "$gobin"; die "building provider $name failed"; }
  for host in registry.opentofu.org registry.terraform.io; do
    d="$mirror/$host/hashicorp/$name/$ver/linux_amd64"
    mkdir -p "$d"
    cp "$gobin/terraform-provider-$name" "$d/$file"
  done
  rm -rf "$gobin"
done
want=$(printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["*/*/*"]\n  }\n}' "$mirror")
if [ ! -f "$TOOLS/tofu.tfrc" ] || [ "$(cat "$TOOLS/tofu.tfrc")" != "$want" ]; then
  printf '%s\n' "$want" >"$TOOLS/tofu.tfrc"
fi
