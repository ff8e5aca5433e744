package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// version is set at build time with -ldflags "-X ...app.version=v1.2.3".
var version = "dev"

// Version returns the tierdeploy version: the ldflags value, else the module
// version when built with go install, else "dev".
func Version() string {
	if version != "dev" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}

// runVersion prints the tierdeploy version, then the Terraform or OpenTofu
// release each stack would run and where that choice came from, without
// installing anything. Outside a repository with a configuration it names
// the binary on PATH. A stack asking for a version that cannot be had makes
// it exit 3, after every line is printed.
func runVersion(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := a.parse(fs, "version"); err != nil {
		return err
	}
	fmt.Fprintf(a.deps.Stdout, "tierdeploy %s (%s, %s/%s)\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if a.deps.Tools == nil {
		return nil
	}
	cfg, err := a.loadConfig()
	if err != nil {
		if !errors.Is(err, config.ErrNotFound) {
			a.log.Warn("the configuration cannot be read, so only the binary on PATH is shown", "error", err)
		}
		cfg = nil
	}
	tools, err := a.toolchain(cfg)
	if err != nil {
		return err
	}
	if cfg == nil {
		bin, err := tools.SelectTerraform(ctx, deploy.BinaryRequest{})
		fmt.Fprintf(a.deps.Stdout, "terraform: %s\n", binaryLine(deploy.StackBinary{Binary: bin, Err: err}))
		return nil
	}
	bins := deploy.ChooseBinaries(ctx, tools, cfg, tier.AllStacks(cfg))
	a.printBinaries(bins)
	return deploy.BadRequests(bins)
}
