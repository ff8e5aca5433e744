#!/usr/bin/env bash
# A Kubernetes control plane for integration tests (internal/kubetest):
#   - etcd from Debian (etcd-server), linked into $TOOLS/k8s/bin;
#   - kube-apiserver, kube-controller-manager and kube-scheduler, built from
#     the Go module proxy through a throwaway module (k8s.io/kubernetes cannot
#     be installed with `go install`: its go.mod replaces every k8s.io staging
#     module with a directory of its own tree);
#   - kwok, which plays one fake node so that Deployments become available;
#   - $TOOLS/k8s/kwok-stages.yaml, the kwok stages assembled from the stage
#     files shipped in the kwok module.
# Each part is stamped with its version and rebuilt only when missing or out
# of date; a warm run takes well under a second. Cold, the three Kubernetes
# binaries take about 30 CPU-minutes (15 minutes on two idle cores, an hour on
# a busy machine), 2.7 GB of memory at peak and 1.6 GB of Go build cache; kwok
# adds about 5 CPU-minutes. With a warm build cache, relinking takes a minute.
#
# Version choice. Helm v4.3.1 (our Helm library) is built on client-go
# v0.37.1, so a v1.37 control plane keeps the tests within one minor version
# of the client. Every staging module that k8s.io/kubernetes v1.37.2 requires
# is served by the module proxy at v0.37.2 (checked with
# `go list -m k8s.io/<module>@v0.37.2`; only sample-cli-plugin and
# sample-controller are missing, and kubernetes does not require them), so
# v1.37.2 builds. The fallback proven earlier is v1.31.14, which needs
# kube-controller-manager, kube-scheduler and endpointslice at v0.31.13 and
# kube-proxy at v0.31.11 (set K8S_STAGING_PINS to those module@version words).
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
. "$(dirname "$0")/lib.sh"

K8S_VERSION="${K8S_VERSION:-v1.37.2}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
K8S_STAGING_PINS="${K8S_STAGING_PINS:-}"

K8S_DIR="$TOOLS/k8s"
K8S_BIN="$K8S_DIR/bin"
STAGES="$K8S_DIR/kwok-stages.yaml"
mkdir -p "$K8S_BIN"

# Two installs at once (two `make test` runs) would build into the same
# directory; the second waits for the first and then finds everything there.
exec 9>"$K8S_DIR/.lock"
if ! flock -n 9; then
  log "another install of k8s is running; waiting for it"
  flock 9
fi

# stamped NAME VALUE succeeds when $K8S_BIN/.NAME.version holds VALUE.
stamped() { [ "$(cat "$K8S_BIN/.$1.version" 2>/dev/null)" = "$2" ]; }
stamp() { printf '%s\n' "$2" >"$K8S_BIN/.$1.version"; }

install_etcd() {
  if [ -x "$K8S_BIN/etcd" ]; then
    return 0
  fi
  if ! command -v etcd >/dev/null; then
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null || die "etcd is not on PATH and installing it needs root: run 'apt-get install -y etcd-server' as root"
      sudo=(sudo)
    fi
    log "installing etcd from Debian (etcd-server)"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server >&2; then
      log "apt-get install etcd-server failed; refreshing the package lists and trying again"
      "${sudo[@]}" apt-get update -q >&2 || die "apt-get update failed, so etcd-server cannot be installed"
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q etcd-server >&2 ||
        die "apt-get install -y etcd-server failed (see the apt output above); install etcd 3.4 or later and put it on PATH"
    fi
    command -v etcd >/dev/null || die "etcd-server is installed but no etcd is on PATH"
  fi
  ln -sfn "$(command -v etcd)" "$K8S_BIN/etcd"
}

# staging_replaces prints a replace directive for every k8s.io staging module
# that k8s.io/kubernetes requires (its go.mod lists them at v0.0.0).
staging_replaces() {
  local src=$1 staging=$2 mod ver pin
  while read -r mod; do
    ver=$staging
    for pin in $K8S_STAGING_PINS; do
      if [ "${pin%@*}" = "$mod" ]; then ver=${pin#*@}; fi
    done
    printf '\t%s => %s %s\n' "$mod" "$mod" "$ver"
  done < <(sed -n 's/^[[:space:]]*\(k8s\.io\/[^[:space:]]*\) v0\.0\.0$/\1/p' "$src/go.mod")
}

build_control_plane() {
  local want="$K8S_VERSION${K8S_STAGING_PINS:+ $K8S_STAGING_PINS}" c missing=""
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    [ -x "$K8S_BIN/$c" ] || missing=1
  done
  if [ -z "$missing" ] && stamped kubernetes "$want"; then
    return 0
  fi
  log "building kube-apiserver, kube-controller-manager and kube-scheduler $K8S_VERSION (15 minutes or more cold, a minute with a warm Go build cache)"
  local src minor staging mod="$K8S_DIR/build-module"
  src=$(moddir "k8s.io/kubernetes@$K8S_VERSION")
  [ -n "$src" ] || die "k8s.io/kubernetes $K8S_VERSION: module directory not found"
  minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  staging="v0.${K8S_VERSION#v1.}"
  mkdir -p "$mod"
  {
    printf 'module k8sbuild\n\n'
    # The same language version and GODEBUG defaults as kubernetes itself.
    sed -n -e '/^go [0-9.]*$/p' -e '/^godebug /p' "$src/go.mod"
    printf '\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
    staging_replaces "$src" "$staging"
    printf ')\n'
  } >"$mod/go.mod"
  # Without the version variables the servers report v0.0.0, which breaks
  # charts' kubeVersion constraints.
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
  ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  rm -rf "$K8S_BIN/.new"
  CGO_ENABLED=0 go -C "$mod" build -mod=mod -trimpath -ldflags "$ldflags" -o "$K8S_BIN/.new/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler ||
    die "building Kubernetes $K8S_VERSION failed (see the Go output above; the build module is $mod)"
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    mv "$K8S_BIN/.new/$c" "$K8S_BIN/$c"
  done
  rmdir "$K8S_BIN/.new"
  stamp kubernetes "$want"
  log "$("$K8S_BIN/kube-apiserver" --version) -> $K8S_BIN"
}

build_kwok() {
  local pkg="sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" gobin
  if [ -x "$K8S_BIN/kwok" ] && stamped kwok "$pkg"; then
    return 0
  fi
  log "building kwok from $pkg"
  gobin=$(mktemp -d)
  GOBIN="$gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$pkg" ||
    { rm -rf "$gobin"; die "building kwok ($pkg) failed (see the Go output above)"; }
  mv "$gobin/kwok" "$K8S_BIN/kwok"
  rm -rf "$gobin"
  stamp kwok "$pkg"
}

# stage_files DIR prints the stage files listed in DIR/kustomization.yaml.
stage_files() {
  sed -n "s|^- \([^[:space:]]*\.yaml\)\$|$1/\1|p" "$1/kustomization.yaml"
}

write_stages() {
  local header="# kwok stages from sigs.k8s.io/kwok@$KWOK_VERSION: node/fast, node/heartbeat, pod/general, pod-complete-never-restart"
  if [ "$(head -1 "$STAGES" 2>/dev/null)" = "$header" ]; then
    return 0
  fi
  local src dir f complete="" tmp="$STAGES.tmp"
  src=$(moddir "sigs.k8s.io/kwok@$KWOK_VERSION")
  [ -n "$src" ] || die "sigs.k8s.io/kwok $KWOK_VERSION: module directory not found"
  {
    printf '%s\n' "$header"
    for dir in node/fast node/heartbeat pod/general; do
      [ -f "$src/kustomize/stage/$dir/kustomization.yaml" ] || die "kwok $KWOK_VERSION ships no stage directory $dir"
      while read -r f; do
        printf -- '---\n'
        cat "$f"
        case $f in */pod-complete.yaml) complete=$f ;; esac
      done < <(stage_files "$src/kustomize/stage/$dir")
    done
    [ -n "$complete" ] || die "kwok $KWOK_VERSION: pod/general has no pod-complete stage"
    # pod-complete only finishes pods owned by a Job. `helm test` runs bare
    # pods with restartPolicy Never, so add a copy that matches those.
    printf -- '---\n'
    sed -e 's/^  name: pod-complete$/  name: pod-complete-never-restart/' \
      -e "s/'\.metadata\.ownerReferences\.\[\]\.kind'/'.spec.restartPolicy'/" \
      -e "s/^      - 'Job'$/      - 'Never'/" "$complete"
  } >"$tmp"
  if ! grep -q "^  name: pod-complete-never-restart$" "$tmp" || ! grep -q "^    - key: '.spec.restartPolicy'$" "$tmp" ||
    ! grep -q "^      - 'Never'$" "$tmp"; then
    rm -f "$tmp"
    die "kwok $KWOK_VERSION: pod-complete.yaml changed shape; cannot derive the restartPolicy Never stage"
  fi
  mv "$tmp" "$STAGES"
}

install_etcd
build_control_plane
build_kwok
write_stages
