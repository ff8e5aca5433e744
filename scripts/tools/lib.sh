# Shared helpers for scripts/tools/*.sh (sourced, not run).
# ROOT, TOOLS and BIN are set by scripts/install-tools.sh.
log() { printf 'install-tools: %s\n' "$*" >&2; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

# moddir MODULE@VERSION prints the module's directory in the module cache.
moddir() {
  local out
  out=$(go mod download -json "$1") || die "cannot download $1 from the Go module proxy (is GOPROXY reachable?)"
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$out"
}

# goinstall NAME MODULE/PKG@VERSION installs a Go program into $BIN unless
# $BIN/NAME exists and its stamp names the same version.
goinstall() {
  # goinstall NAME PKG [DEST]: builds the command NAME of PKG into $BIN/DEST
  # (default NAME).
  local name=$1 pkg=$2 dest=${3:-$1} gobin
  local stamp="$BIN/.$dest.version"
  if [ -x "$BIN/$dest" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg" ]; then return 0; fi
  log "building $name from $pkg"
  gobin=$(mktemp -d)
  GOBIN="$gobin" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$pkg" ||
    { rm -rf "$gobin"; die "building $name ($pkg) failed"; }
  mv "$gobin/$name" "$BIN/$dest"
  rm -rf "$gobin"
  printf '%s\n' "$pkg" >"$stamp"
}
