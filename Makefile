# tierdeploy: see README.md. `make demo` and `make test` install what they
# need into .tools/ first (scripts/install-tools.sh; warm runs take a second).

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/tierdeploy/tierdeploy/internal/app.version=$(VERSION)
TOOLS     := $(CURDIR)/.tools
EXAMPLE   ?= examples/two-tier
TESTFLAGS ?=
export PATH := $(TOOLS)/bin:$(PATH)

.PHONY: all build tools demo test reference unit check bench fuzz clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/tierdeploy ./cmd/action

tools:
	scripts/install-tools.sh

demo: build
	scripts/install-tools.sh tofu providers
	scripts/demo.sh $(EXAMPLE)

# Every test, the integration tests against real components included, then
# the repository checks (scripts/check-*.sh).
test: tools build
	$(GO) vet ./...
	CI=$${CI:-true} $(GO) test -count=1 -timeout 60m $(TESTFLAGS) ./...
	scripts/check.sh

# The reference deployment end to end against the AWS API emulator and a
# local control plane (deploy/README.md), alone.
reference:
	scripts/install-tools.sh tofu providers aws k8s
	CI=$${CI:-true} $(GO) test -count=1 -timeout 30m -run TestReferenceOnEmulator -v $(TESTFLAGS) ./test/reference/

# Unit tests only: no tools needed, integration tests skip themselves.
unit:
	$(GO) test -short ./...

check:
	scripts/check.sh

bench: tools build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -count 1 ./... | tee bench.out

fuzz:
	scripts/fuzz.sh

clean:
	rm -rf bin bench.out
