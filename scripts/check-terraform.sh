#!/usr/bin/env bash
# Terraform checks of the reference deployment (run by scripts/check.sh):
# formatting with `tofu fmt -check`, then TFLint with its bundled terraform
# ruleset on every module and environment root under terraform/. Both work
# offline: nothing is initialised and no provider is downloaded. The Go tests
# in test/reference check variables, outputs and the inventory mapping.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH="$ROOT/.tools/bin:$PATH"
# Point the CLI at an empty configuration: fmt needs none, and a setting
# inherited from the environment could name a file that does not exist.
export TF_CLI_CONFIG_FILE=/dev/null

for tool in tofu tflint; do
  command -v "$tool" >/dev/null ||
    { printf 'check-terraform: %s not found: run scripts/install-tools.sh\n' "$tool" >&2; exit 1; }
done

dirs=(terraform)
[ -d examples ] && dirs+=(examples)
if ! tofu fmt -check -recursive -diff "${dirs[@]}"; then
  printf 'check-terraform: run "tofu fmt -recursive %s" to format the files above\n' "${dirs[*]}" >&2
  exit 1
fi

# Every directory under terraform/ that holds .tf files is a module to lint.
mapfile -t modules < <(find terraform -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)
[ ${#modules[@]} -gt 0 ] || { echo 'check-terraform: no Terraform modules under terraform/' >&2; exit 1; }
failed=0
for m in "${modules[@]}"; do
  if ! tflint --chdir="$m" --config="$ROOT/terraform/.tflint.hcl" --minimum-failure-severity=notice; then
    printf 'check-terraform: tflint found problems in %s\n' "$m" >&2
    failed=1
  fi
done
exit "$failed"
