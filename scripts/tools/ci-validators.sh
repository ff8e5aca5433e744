#!/usr/bin/env bash
# The validators of the CI files (scripts/check-ci.sh):
#   - shellcheck, yamllint and rsync from Debian, installed with apt-get only
#     when missing (rsync is what gitlab-ci-local copies the project with when
#     it runs a job with --force-shell-executor);
#   - gitlab-ci-local from npm, installed into $TOOLS/npm (not globally) and
#     linked into $BIN. 4.73.0 is the last release that runs on Node 20.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"
GITLAB_CI_LOCAL_VERSION="${GITLAB_CI_LOCAL_VERSION:-4.73.0}"

# apt_install PACKAGE... installs the Debian packages, refreshing the package
# lists once when the first attempt fails.
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "installing $* needs root: run 'apt-get install -y $*' as root"
    sudo=(sudo)
  fi
  log "installing $* from Debian"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2; then
    log "apt-get install $* failed; refreshing the package lists and trying again"
    "${sudo[@]}" apt-get update -q >&2 || die "apt-get update failed, so $* cannot be installed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 ||
      die "apt-get install -y $* failed (see the apt output above)"
  fi
}

missing=()
for tool in shellcheck yamllint rsync; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

npm_dir="$TOOLS/npm"
gcl="$npm_dir/node_modules/.bin/gitlab-ci-local"
have=""
if [ -x "$gcl" ]; then
  have=$(sed -n 's/^[[:space:]]*"version": "\(.*\)",$/\1/p' "$npm_dir/node_modules/gitlab-ci-local/package.json" | head -1)
fi
if [ "$have" != "$GITLAB_CI_LOCAL_VERSION" ]; then
  command -v npm >/dev/null || apt_install nodejs npm
  node_major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')
  [ "${node_major:-0}" -ge 20 ] ||
    die "gitlab-ci-local $GITLAB_CI_LOCAL_VERSION needs Node.js 20 or later, and node is $(node --version 2>/dev/null || echo missing) (Debian 13 ships Node.js 20)"
  log "installing gitlab-ci-local $GITLAB_CI_LOCAL_VERSION from npm into $npm_dir"
  mkdir -p "$npm_dir"
  npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error \
    "gitlab-ci-local@$GITLAB_CI_LOCAL_VERSION" >&2 ||
    die "npm install gitlab-ci-local@$GITLAB_CI_LOCAL_VERSION failed (see the npm output above)"
fi
ln -sfn "$gcl" "$BIN/gitlab-ci-local"
