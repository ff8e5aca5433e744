# syntax=docker/dockerfile:1
#
# The tierdeploy image: the tierdeploy binary, one default OpenTofu release,
# git and CA certificates on Alpine. Every Go program is built from source
# through the Go module proxy.
#
#   docker build --build-arg VERSION=v1.2.3 -t tierdeploy .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=v1.2.3 .
#
# The OpenTofu on PATH is what a stack runs when it asks for no version, or
# for this release (by number, or by a constraint whose newest published
# match it is), so the common case downloads nothing. Any other OpenTofu or Terraform release
# a stack asks for is installed at run time, verified, into the tool cache;
# `tierdeploy tools install` fills that cache ahead of time, in an image
# built FROM this one (README.md, "Terraform and OpenTofu versions").
#
# No emulation, for any target platform: every stage that runs a command runs
# on the build machine's own platform (--platform=$BUILDPLATFORM). Go
# cross-compiles tierdeploy and OpenTofu for the target, and Alpine's apk
# unpacks the target's git into a copy of the target's Alpine without running
# anything of it. The image itself is only copied together.
#
# Build arguments:
#   VERSION          the version tierdeploy reports (default dev)
#   REVISION         the commit, for the org.opencontainers.image.revision label
#   TOFU_VERSION     the OpenTofu release to build (default v1.10.10); it
#                    reports itself as that release (version.dev=no), which
#                    is how tierdeploy recognizes it
#   GOPROXY          a Go module proxy to build through (default: Go's own)
#   GO_VERSION, ALPINE_VERSION  the base image tags
#
# The image runs as root by default: GitHub runs a Docker action with the
# runner's workspace and command files (GITHUB_OUTPUT, the step summary)
# mounted into it, owned by the runner's user, whose UID differs from runner
# to runner, and GitHub's rules for Docker actions ask for the default user.
# The unprivileged user tierdeploy (UID and GID 1001, home /home/tierdeploy)
# is there for GitLab and Kubernetes, where the job's files are writable by
# any user: `docker run --user 1001:1001`, GitLab's image:docker:user or
# Kubernetes' securityContext.runAsUser (README.md, "The image").
#
# Alpine rather than a distroless base: GitLab runs a job's script with the
# image's shell, so the image needs one (busybox sh); git comes from Alpine's
# package with the libraries it links.

ARG GO_VERSION=1.26.8
ARG ALPINE_VERSION=3.22

# The target platform's Alpine: its files, package database, signing keys and
# repositories. Nothing runs in it.
FROM alpine:${ALPINE_VERSION} AS base

# OpenTofu, cross-compiled as scripts/tools/tofu.sh builds it for the tests.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS tools
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
ARG GOPROXY
ARG TARGETOS
ARG TARGETARCH
ARG TOFU_VERSION=v1.10.10
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# The module has replace directives that `go install pkg@version` would not
# honour, and go install refuses to cross-compile into a GOBIN: it is built
# as the main module, in its module cache directory. Its license goes into
# the image next to the binary.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    src=$(go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') && \
    test -n "$src" && \
    GOOS="$TARGETOS" GOARCH="$TARGETARCH" go -C "$src" build -trimpath \
      -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
      -o /out/bin/tofu ./cmd/tofu && \
    install -D -m 0644 "$src/LICENSE" /out/share/licenses/opentofu/LICENSE

# tierdeploy itself, cross-compiled.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
ARG GOPROXY
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY cmd/ cmd/
COPY internal/ internal/
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS="$TARGETOS" GOARCH="$TARGETARCH" go build -trimpath \
      -ldflags "-s -w -X github.com/tierdeploy/tierdeploy/internal/app.version=${VERSION}" \
      -o /out/bin/tierdeploy ./cmd/action
COPY LICENSE /out/share/licenses/tierdeploy/LICENSE

# The image's root file system: the target's Alpine with git added by the
# build machine's apk (the target's repositories and keys, no scripts run),
# the tierdeploy user, and a git that trusts any checkout directory (the
# checkout belongs to another user on most runners, and git refuses such
# repositories otherwise).
FROM --platform=$BUILDPLATFORM alpine:${ALPINE_VERSION} AS rootfs
COPY --from=base / /rootfs/
RUN apk add --no-cache --root /rootfs --arch "$(cat /rootfs/etc/apk/arch)" --no-scripts git && \
    echo 'tierdeploy:x:1001:1001:tierdeploy:/home/tierdeploy:/bin/sh' >>/rootfs/etc/passwd && \
    echo 'tierdeploy:x:1001:' >>/rootfs/etc/group && \
    echo 'tierdeploy:!::0:::::' >>/rootfs/etc/shadow && \
    install -d -o 1001 -g 1001 -m 0755 /rootfs/home/tierdeploy && \
    printf '[safe]\n\tdirectory = *\n' >/rootfs/etc/gitconfig

FROM scratch AS runtime
ARG VERSION=dev
ARG REVISION=
LABEL org.opencontainers.image.title="tierdeploy" \
      org.opencontainers.image.description="Plan, apply and watch for drift in two-tier Terraform/OpenTofu and Helm repositories" \
      org.opencontainers.image.source="https://github.com/tierdeploy/tierdeploy" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
COPY --from=rootfs /rootfs/ /
COPY --from=tools /out/ /usr/local/
COPY --from=build /out/ /usr/local/
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CHECKPOINT_DISABLE=1
USER 0:0
ENTRYPOINT ["/usr/local/bin/tierdeploy"]
