#!/usr/bin/env bash
# TFLint, built from the Go module proxy. Run without --init it uses only its
# bundled terraform ruleset, so it lints the reference modules offline.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
TFLINT_VERSION="${TFLINT_VERSION:-v0.64.0}"

goinstall tflint "github.com/terraform-linters/tflint@${TFLINT_VERSION}"
