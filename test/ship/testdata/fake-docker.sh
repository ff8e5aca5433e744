#!/usr/bin/env bash
# A docker CLI for the test of scripts/smoke-image.sh (TestSmokeScript), where
# no container engine runs. It knows the commands the smoke test uses:
#   docker volume create NAME | docker volume rm --force NAME
#   docker run [--rm] [-i] [--volume NAME:PATH] [--workdir DIR] [--user UID:GID]
#              [--entrypoint PROGRAM] [-e NAME=VALUE]... IMAGE [ARG...]
# A container is a chroot into $FAKE_DOCKER_STATE/rootfs, which the test
# assembles as the image would be (the Dockerfile's users, /etc/gitconfig,
# tierdeploy and tofu in /usr/local/bin), with the build machine's /usr for
# the rest, in a mount namespace of its own with the volume mounted at PATH.
# The user comes from --user, else FAKE_DOCKER_USER (the image's USER); the
# entrypoint from --entrypoint, else /usr/local/bin/tierdeploy; HOME from the
# user's line in the root's /etc/passwd, as docker sets it.
# FAKE_DOCKER_BINDS holds SOURCE=TARGET words, mounted after /usr (the
# image's /usr/local/bin, the providers' mirror); FAKE_DOCKER_ENV extra
# NAME=VALUE words for every container; FAKE_DOCKER_IMAGE the one image name
# it knows.
set -euo pipefail
state=${FAKE_DOCKER_STATE:?}
rootfs="$state/rootfs"

fail() { printf 'fake docker: %s\n' "$*" >&2; exit 125; }

[ $# -gt 0 ] || fail "no command"
command=$1
shift
case $command in
  volume)
    case "${1:-}" in
      create) mkdir -p "$state/volumes/$2" && echo "$2" ;;
      rm)
        [ "$2" = --force ] || fail "volume rm without --force"
        rm -rf "${state:?}/volumes/$3"
        ;;
      *) fail "volume ${1:-}: unknown" ;;
    esac
    exit 0
    ;;
  run) ;;
  *) fail "$command: unknown command" ;;
esac

user=${FAKE_DOCKER_USER:-0:0} workdir=/ entrypoint=/usr/local/bin/tierdeploy stdin=/dev/null volume="" envs=()
while [ $# -gt 0 ]; do
  case $1 in
    --rm) shift ;;
    -i) stdin=/dev/stdin; shift ;;
    --volume) volume=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --entrypoint) entrypoint=$2; shift 2 ;;
    -e) envs+=("$2"); shift 2 ;;
    -*) fail "run: unknown flag $1" ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || fail "run: no image"
[ "$1" = "${FAKE_DOCKER_IMAGE:?}" ] || fail "run: no image $1"
shift
uid=${user%%:*} gid=${user#*:}
home=$(awk -F: -v uid="$uid" '$3 == uid { print $6 }' "$rootfs/etc/passwd")
[ -n "$home" ] || home=/

# The container's process: mounts in its own namespace, then the chroot.
# shellcheck disable=SC2016 # expanded by the inner shell
inner='
  set -e
  mount --make-rprivate /
  mount --rbind /usr "$ROOTFS/usr"
  mount --rbind /dev "$ROOTFS/dev"
  mount -t proc proc "$ROOTFS/proc"
  for b in $BINDS; do mount --bind "${b%%=*}" "$ROOTFS${b#*=}"; done
  if [ -n "$VOLUME" ]; then mount --bind "$STATE/volumes/${VOLUME%%:*}" "$ROOTFS${VOLUME#*:}"; fi
  exec chroot --userspec="$RUN_USER" --groups="${RUN_USER#*:}" "$ROOTFS" \
    /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME="$RUN_HOME" \
    $FAKE_DOCKER_ENV "$@"
'
# The last words: sh changes to the working directory, then runs the
# entrypoint with the arguments.
# shellcheck disable=SC2016
ROOTFS=$rootfs STATE=$state VOLUME=$volume RUN_USER="$uid:$gid" RUN_HOME=$home BINDS=${FAKE_DOCKER_BINDS:-} \
  FAKE_DOCKER_ENV=${FAKE_DOCKER_ENV:-} \
  unshare --mount --fork bash -c "$inner" inner "${envs[@]}" \
  /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$entrypoint" "$@" <"$stdin"
