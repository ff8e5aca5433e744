#!/usr/bin/env bash
# Repository checks run by `make test` after the Go tests: formatting, and
# every scripts/check-*.sh (shell, YAML, Terraform, CI files...).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.tools/bin:$PATH"

mapfile -t gofiles < <(git ls-files --cached --others --exclude-standard '*.go')
unformatted=$(gofmt -l "${gofiles[@]}")
if [ -n "$unformatted" ]; then
  printf 'check: gofmt would change:\n%s\n' "$unformatted" >&2
  exit 1
fi
for c in scripts/check-*.sh; do
  [ -e "$c" ] || continue
  printf 'check: %s\n' "$c" >&2
  bash "$c"
done
echo "check: all checks passed" >&2
