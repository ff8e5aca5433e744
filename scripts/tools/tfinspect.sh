#!/usr/bin/env bash
# terraform-config-inspect, built from the Go module proxy: prints a module's
# variables, outputs, providers and module calls without initialising it.
# The module is untagged, so it is pinned to a pseudo-version.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
TFINSPECT_VERSION="${TFINSPECT_VERSION:-v0.0.0-20260904064934-75d64de68c31}"

goinstall terraform-config-inspect "github.com/hashicorp/terraform-config-inspect@${TFINSPECT_VERSION}"
