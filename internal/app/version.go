package app

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/tierdeploy/tierdeploy/internal/deploy"
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

func runVersion(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := a.parse(fs, "version"); err != nil {
		return err
	}
	fmt.Fprintf(a.deps.Stdout, "tierdeploy %s (%s, %s/%s)\n", Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	configured := ""
	if cfg, err := a.loadConfig(); err == nil {
		configured = cfg.Terraform.Binary
	}
	if a.deps.Tools == nil {
		return nil
	}
	bin, err := a.deps.Tools.FindTerraform(ctx, deploy.BinaryRequest{Configured: configured})
	if err != nil {
		fmt.Fprintf(a.deps.Stdout, "terraform: not found: %v\n", err)
		return nil
	}
	fmt.Fprintf(a.deps.Stdout, "terraform: %s (%s)\n", bin.Path, bin.Version)
	return nil
}
