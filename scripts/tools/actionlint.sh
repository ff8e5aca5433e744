#!/usr/bin/env bash
# actionlint, built from the Go module proxy. scripts/check-ci.sh runs it on
# the example workflows; their `uses: ./` steps are checked against the
# repository's action.yml (unknown or missing inputs, a missing Dockerfile).
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"

goinstall actionlint "github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}"
