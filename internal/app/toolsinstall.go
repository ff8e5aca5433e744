package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

const toolsUsage = `Usage: tierdeploy tools install [--tier T]... [--environment E]... [--parallelism N]

  install  install the OpenTofu or Terraform release of every selected stack
           (all by default) into the tool cache; in offline mode only check
           that the cache or PATH holds each one

Run "tierdeploy tools install -h" for its flags.
`

// runTools runs `tools install`: it installs the Terraform or OpenTofu
// release of every selected stack into the tool cache ahead of time (for
// images and runners without network), in parallel, and prints each. The
// releases are chosen first, so a version that cannot be had is reported
// (exit 3) before anything is downloaded. In offline mode it checks that the
// cache or PATH holds each one.
func runTools(ctx context.Context, a *invocation) error {
	if len(a.args) > 0 && (a.args[0] == "-h" || a.args[0] == "-help" || a.args[0] == "--help") {
		fmt.Fprint(a.deps.Stdout, toolsUsage)
		return errHelp
	}
	if len(a.args) == 0 || a.args[0] != "install" {
		fmt.Fprint(a.deps.Stderr, toolsUsage)
		return usagef("tools: the only subcommand is install: tierdeploy tools install [--tier T]... [--environment E]...")
	}
	a.args = a.args[1:]
	a.name = "tools install"
	fs := flag.NewFlagSet("tools install", flag.ContinueOnError)
	var tiers, envs listFlag
	fs.Var(&tiers, "tier", "only this `tier` (repeatable)")
	fs.Var(&envs, "environment", "only this `environment` (repeatable)")
	parallelism := new(int)
	registerParallelism(fs, parallelism, "install at most `n` releases at once")
	if err := a.parse(fs, "tools install [--tier T]... [--environment E]... [--parallelism N]"); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	finder, err := dependencyFinder(cfg.Root)
	if err != nil {
		return err
	}
	sel, err := tier.Select(tier.Input{Config: cfg, All: true, Tiers: tiers, Environments: envs}, finder)
	if err != nil {
		return err
	}
	tools, err := a.toolchain(cfg)
	if err != nil {
		return err
	}
	if err := deploy.BadRequests(deploy.ChooseBinaries(ctx, tools, cfg, sel.Stacks)); err != nil {
		return err
	}
	bins := deploy.InstallBinaries(ctx, tools, cfg, sel.Stacks, *parallelism)
	a.printBinaries(bins)
	if len(bins) == 0 {
		a.log.Warn("no selected stack has a Terraform stage: nothing to install")
	}
	var failed []string
	for _, b := range bins {
		if b.Err != nil {
			failed = append(failed, b.Stack.String())
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return errors.Join(deploy.BadRequests(bins),
		fmt.Errorf("%d of %d stacks have no Terraform or OpenTofu binary: %s (see above)", len(failed), len(bins), strings.Join(failed, ", ")))
}
