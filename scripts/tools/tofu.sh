#!/usr/bin/env bash
# OpenTofu, built from the Go module proxy.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
TOFU_VERSION="${TOFU_VERSION:-v1.10.10}"

# (Read the whole output: a pipe into head would fail under pipefail.)
if [ -x "$BIN/tofu" ] && have=$(TF_CLI_CONFIG_FILE=/dev/null "$BIN/tofu" version 2>/dev/null) &&
   [ "$(sed -n 1p <<<"$have")" = "OpenTofu v${TOFU_VERSION#v}" ]; then
  exit 0
fi
log "building OpenTofu $TOFU_VERSION (about 6 minutes cold, seconds when the Go build cache is warm)"
src=$(moddir "github.com/opentofu/opentofu@${TOFU_VERSION}")
[ -n "$src" ] || die "opentofu $TOFU_VERSION: module directory not found"
# opentofu's go.mod has replace directives, so `go install pkg@version` is
# refused; building it as the main module honours them.
CGO_ENABLED=0 go -C "$src" build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$BIN/tofu.tmp" ./cmd/tofu || die "building OpenTofu $TOFU_VERSION failed (see the Go output above)"
mv "$BIN/tofu.tmp" "$BIN/tofu"
log "$(TF_CLI_CONFIG_FILE=/dev/null "$BIN/tofu" version | head -1) -> $BIN/tofu"
