#!/usr/bin/env bash
# Installs into .tools/ what the demo and the tests need, building from the Go
# module proxy (and Debian's packages where a component says so). Each
# component is a script in scripts/tools/ that does nothing when its tool is
# already there at the right version, so a warm run takes about a second.
#
# Usage: scripts/install-tools.sh [component...]
#   No argument installs every component: tofu and providers first, then the
#   others in name order. `scripts/install-tools.sh --list` lists them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS="${TIERDEPLOY_TOOLS:-$ROOT/.tools}"
BIN="$TOOLS/bin"
export ROOT TOOLS BIN
mkdir -p "$BIN"

all=(tofu providers)
for f in "$ROOT"/scripts/tools/*.sh; do
  c=$(basename "$f" .sh)
  case " ${all[*]} lib " in *" $c "*) ;; *) all+=("$c") ;; esac
done
if [ "${1:-}" = --list ]; then printf '%s\n' "${all[@]}"; exit 0; fi

components=("$@")
[ ${#components[@]} -gt 0 ] || components=("${all[@]}")
for c in "${components[@]}"; do
  script="$ROOT/scripts/tools/$c.sh"
  if [ ! -f "$script" ] || [ "$c" = lib ]; then
    printf 'install-tools: error: unknown component %s (known: %s)\n' "$c" "${all[*]}" >&2
    exit 1
  fi
  start=$(date +%s)
  bash "$script"
  took=$(( $(date +%s) - start ))
  [ "$took" -lt 5 ] || printf 'install-tools: %s ready in %ss\n' "$c" "$took" >&2
done
