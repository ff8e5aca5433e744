#!/usr/bin/env bash
# Smoke test of a built tierdeploy image, run before the image is pushed
# (.github/workflows/ci.yml and release.yml, .gitlab-ci.yml):
#   1. the binaries start: tierdeploy, OpenTofu and git;
#   2. the default user is root, and the user tierdeploy (1001:1001) exists
#      with a writable home;
#   3. run as GitHub runs a Docker action: the workspace and the runner's
#      command files (GITHUB_OUTPUT, the step summary) belong to the runner's
#      user (here UID 4242), files 0644 and directories 0755. As UID 1001 it
#      must fail (what the image did before it ran as root); as the default
#      user it must plan the example and write the outputs, the summary, the
#      report and the lock file;
#   4. run as GitLab runs it with the documented non-root user: a checkout
#      made by root with a umask of 0, as GitLab's runner clones, planned by
#      UID 1001, which writes the dotenv outputs.
# Steps 3 and 4 plan the staging infrastructure of examples/two-tier, so
# OpenTofu downloads the example's providers (random, local) from its
# registry. Only the docker CLI is needed: files reach the containers through
# a volume rather than bind mounts, so a remote engine (GitLab's docker:dind
# service) works too.
#
# Usage: scripts/smoke-image.sh IMAGE
#
# shellcheck disable=SC2016 # the single-quoted scripts run in the container
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

image=${1:?usage: scripts/smoke-image.sh IMAGE}
say() { printf 'smoke: %s\n' "$*" >&2; }
fail() { printf 'smoke: error: %s\n' "$*" >&2; exit 1; }

vol="tierdeploy-smoke-$$"
cleanup() { docker volume rm --force "$vol" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# in_volume SCRIPT runs a shell script as root in the image with the volume
# at /v.
in_volume() {
  docker run --rm --volume "$vol:/v" --entrypoint sh "$image" -c "set -eu; $1"
}

# with_example SCRIPT runs in_volume with the example on the standard input,
# as a tar stream.
with_example() {
  tar -C examples/two-tier -cf - . |
    docker run --rm -i --volume "$vol:/v" --entrypoint sh "$image" -c "set -eu; $1"
}

# --- 1. the binaries -----------------------------------------------------------
docker run --rm "$image" --version
docker run --rm "$image" version
docker run --rm --entrypoint tofu "$image" version
docker run --rm --entrypoint git "$image" --version
say "tierdeploy, tofu and git start"

# --- 2. the users --------------------------------------------------------------
uid=$(docker run --rm --entrypoint id "$image" -u)
[ "$uid" = 0 ] || fail "the image's default user is UID $uid, not root: GitHub's Docker actions need root"
who=$(docker run --rm --user 1001:1001 --entrypoint sh "$image" -c 'id -un; id -gn; touch "$HOME/.probe"; echo "$HOME"')
[ "$who" = "$(printf 'tierdeploy\ntierdeploy\n/home/tierdeploy')" ] ||
  fail "UID 1001 is not the user tierdeploy with a writable home /home/tierdeploy: $who"
say "the default user is root; 1001 is tierdeploy with a writable home"

# --- 3. GitHub: the runner's files belong to another user -------------------------
docker volume create "$vol" >/dev/null
# checkout DIR makes a git repository of the example in DIR with a second
# commit that changes the staging infrastructure, and writes both commits to
# DIR.before and DIR.after (a shell function for in_volume scripts).
checkout='checkout() {
  mkdir "$1"
  tar -xf - -C "$1"
  git -C "$1" init -q -b main
  git -C "$1" add -A
  git -C "$1" -c user.name=smoke -c user.email=smoke@tierdeploy.invalid commit -q -m example
  git -C "$1" rev-parse HEAD >"$1.before"
  printf "\n# A change for the plan to find.\n" >>"$1/infrastructure/environments/staging/main.tf"
  git -C "$1" -c user.name=smoke -c user.email=smoke@tierdeploy.invalid commit -q -a -m change
  git -C "$1" rev-parse HEAD >"$1.after"
}'
in_volume_cat() { docker run --rm --volume "$vol:/v" --entrypoint cat "$image" "$1"; }

with_example "$checkout"'
  umask 022
  checkout /v/ws
  mkdir /v/cmd /v/tmp /v/home
  printf "{\"ref\":\"refs/heads/main\",\"before\":\"%s\",\"after\":\"%s\",\"repository\":{\"id\":1,\"full_name\":\"tierdeploy/smoke\",\"default_branch\":\"main\"}}" \
    "$(cat /v/ws.before)" "$(cat /v/ws.after)" >/v/cmd/event.json
  : >/v/cmd/output
  : >/v/cmd/summary
  chown -R 4242:4242 /v'
# A push that changed the staging infrastructure: git finds the change in a
# checkout of another user, OpenTofu plans it.
github=(--volume "$vol:/v" --workdir /v/ws
  -e GITHUB_ACTIONS=true -e GITHUB_EVENT_NAME=push -e GITHUB_EVENT_PATH=/v/cmd/event.json
  -e GITHUB_SHA="$(in_volume_cat /v/ws.after)" -e GITHUB_REF=refs/heads/main -e GITHUB_REF_NAME=main
  -e GITHUB_REPOSITORY=tierdeploy/smoke -e GITHUB_WORKSPACE=/v/ws -e GITHUB_OUTPUT=/v/cmd/output
  -e GITHUB_STEP_SUMMARY=/v/cmd/summary -e RUNNER_TEMP=/v/tmp -e HOME=/v/home)
plan=(plan --tier infrastructure --environment staging)

if docker run --rm --user 1001:1001 "${github[@]}" "$image" --platform=github "${plan[@]}" >/dev/null 2>&1; then
  fail "as UID 1001 tierdeploy wrote files that belong to UID 4242: the test does not test what it should"
fi
docker run --rm "${github[@]}" "$image" --platform=github "${plan[@]}" >/dev/null ||
  fail "the image's default user could not plan a workspace that belongs to the runner's user"
in_volume '
  grep -q "^has-changes<<" /v/cmd/output
  grep -qx "true" /v/cmd/output
  grep -qx ".tierdeploy/report.md" /v/cmd/output
  test -s /v/cmd/summary
  test -s /v/ws/.tierdeploy/report.md
  test -s /v/ws/infrastructure/environments/staging/.terraform.lock.hcl' ||
  fail "the default user's plan did not write GITHUB_OUTPUT, the step summary, the report and the lock file"
say "GitHub: the default user plans a workspace owned by another user; UID 1001 cannot"

# --- 4. GitLab: the non-root user on a checkout made with umask 0 -----------------
with_example "$checkout"'
  umask 000
  checkout /v/gl
  chmod -R a+rwX /v/gl'
docker run --rm --user 1001:1001 --volume "$vol:/v" --workdir /v/gl \
  -e GITLAB_CI=true -e CI_PIPELINE_SOURCE=push -e CI_PROJECT_ID=1 -e CI_PROJECT_PATH=tierdeploy/smoke \
  -e CI_PROJECT_DIR=/v/gl -e CI_COMMIT_SHA="$(in_volume_cat /v/gl.after)" -e CI_COMMIT_BEFORE_SHA="$(in_volume_cat /v/gl.before)" \
  -e CI_COMMIT_BRANCH=main -e CI_COMMIT_REF_NAME=main -e CI_DEFAULT_BRANCH=main \
  "$image" "${plan[@]}" >/dev/null ||
  fail "UID 1001 could not plan a GitLab checkout"
in_volume 'grep -qx TIERDEPLOY_HAS_CHANGES=true /v/gl/.tierdeploy/outputs.env' ||
  fail "UID 1001 wrote no dotenv outputs on GitLab"
say "GitLab: UID 1001 plans a checkout made with umask 0"
say "passed: $image"
