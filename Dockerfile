# syntax=docker/dockerfile:1
#
# The tierdeploy image: the tierdeploy binary, OpenTofu (and, optionally,
# Terraform 1.5.7), git and CA certificates on Alpine, run as a non-root
# user. Every Go program is built from source through the Go module proxy.
#
#   docker build --build-arg VERSION=v1.2.3 -t tierdeploy .
#   docker build --build-arg WITH_TERRAFORM=true -t tierdeploy:terraform .
#
# Build arguments:
#   VERSION          the version tierdeploy reports (default dev)
#   TOFU_VERSION     the OpenTofu release to build (default v1.10.10)
#   WITH_TERRAFORM   true adds HashiCorp Terraform TERRAFORM_VERSION (default false)
#   TERRAFORM_VERSION the Terraform release to build (default v1.5.7, the last
#                    one that builds with go install)
#   GOPROXY          a Go module proxy to build through (default: Go's own)
#   GO_VERSION, ALPINE_VERSION  the base image tags
#
# Alpine rather than a distroless base: GitLab runs a job's script with the
# image's shell, so the image needs one (busybox sh); git comes from Alpine's
# package with the libraries it links. The runtime user has UID 1001, the
# user of GitHub-hosted runners, so that a Docker action can write to the
# workspace and the runner's command files that are mounted into it.

ARG GO_VERSION=1.26.8
ARG ALPINE_VERSION=3.22

# OpenTofu (and Terraform) from the Go module proxy, as scripts/tools/tofu.sh
# and scripts/tools/terraform.sh build them for the tests.
FROM golang:${GO_VERSION}-bookworm AS tools
SHELL ["/bin/bash", "-euo", "pipefail", "-c"]
ARG GOPROXY
ARG TOFU_VERSION=v1.10.10
ARG WITH_TERRAFORM=false
ARG TERRAFORM_VERSION=v1.5.7
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# opentofu's go.mod has replace directives, so `go install pkg@version` is
# refused; it is built as the main module, in its module cache directory.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    src=$(go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') && \
    test -n "$src" && \
    go -C "$src" build -trimpath \
      -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
      -o /out/bin/tofu ./cmd/tofu
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    if [ "$WITH_TERRAFORM" = true ]; then \
      GOBIN=/out/bin go install -trimpath -ldflags "-s -w" "github.com/hashicorp/terraform@${TERRAFORM_VERSION}"; \
    fi

# tierdeploy itself.
FROM golang:${GO_VERSION}-bookworm AS build
ARG GOPROXY
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
    go build -trimpath \
      -ldflags "-s -w -X github.com/tierdeploy/tierdeploy/internal/app.version=${VERSION}" \
      -o /out/bin/tierdeploy ./cmd/action

FROM alpine:${ALPINE_VERSION} AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="tierdeploy" \
      org.opencontainers.image.description="Plan, apply and watch for drift in two-tier Terraform/OpenTofu and Helm repositories" \
      org.opencontainers.image.source="https://github.com/tierdeploy/tierdeploy" \
      org.opencontainers.image.version="${VERSION}"
# safe.directory: the checkout belongs to another user on most runners
# (GitLab's helper clones as root), and git refuses such repositories.
RUN apk add --no-cache ca-certificates git && \
    addgroup -g 1001 tierdeploy && \
    adduser -D -u 1001 -G tierdeploy -h /home/tierdeploy tierdeploy && \
    git config --system --add safe.directory '*'
COPY --from=tools /out/bin/ /usr/local/bin/
COPY --from=build /out/bin/tierdeploy /usr/local/bin/tierdeploy
ENV CHECKPOINT_DISABLE=1
USER 1001:1001
ENTRYPOINT ["/usr/local/bin/tierdeploy"]
# Smoke check, as the last step: the binaries start and find each other.
RUN tierdeploy --version && tierdeploy version && tofu version && git --version
