#!/usr/bin/env bash
# Runs tierdeploy's main job on the bundled example repository with the
# embedded defaults (local platform, file inventory store) and prints the
# report a pull request would get. `make demo` installs the tools first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EXAMPLE="${1:-examples/two-tier}"
cd "$ROOT"

# The example's providers come from the local filesystem mirror, so the demo
# needs no network.
export PATH="$ROOT/.tools/bin:$PATH"
export TF_CLI_CONFIG_FILE="$ROOT/.tools/tofu.tfrc"
export TF_PLUGIN_CACHE_DIR="$ROOT/.tools/plugin-cache"
mkdir -p "$TF_PLUGIN_CACHE_DIR"

td="$ROOT/bin/tierdeploy"
say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

say "tierdeploy version"
"$td" version --chdir "$EXAMPLE"
say "tierdeploy validate ($EXAMPLE/tierdeploy.yaml)"
"$td" validate --chdir "$EXAMPLE"
say "tierdeploy detect --all (every stack, in dependency order)"
"$td" detect --chdir "$EXAMPLE" --all
if "$td" help | grep -q '^  plan '; then
  say "tierdeploy plan --all (the report a pull request would get)"
  set +e
  "$td" plan --chdir "$EXAMPLE" --all --platform local --detailed-exitcode
  code=$?
  set -e
  case $code in
    0) say "plan finished: no changes" ;;
    2) say "plan finished: changes present (exit code 2 with --detailed-exitcode)" ;;
    *) say "plan failed (exit code $code)"; exit "$code" ;;
  esac
fi
