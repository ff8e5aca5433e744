package app

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

func runValidate(ctx context.Context, a *invocation) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	if err := a.parse(fs, "validate"); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if _, err := a.checks(ctx, cfg); err != nil {
		return err
	}
	var tiers []string
	for _, t := range cfg.Tiers {
		tiers = append(tiers, t.Name)
	}
	// The file and policy directories are paths of the checkout: made
	// safe for a terminal. Names are validated.
	fmt.Fprintf(a.deps.Stdout, "%s is valid: %d tier(s) (%s), %d environment(s) (%s), inventory store %s",
		termtext.Line(cfg.File), len(cfg.Tiers), strings.Join(tiers, ", "),
		len(cfg.Environments), strings.Join(cfg.EnvironmentNames(), ", "), cfg.StoreKind())
	if dirs := cfg.AllPolicyDirs(); len(dirs) > 0 {
		fmt.Fprintf(a.deps.Stdout, ", policies compiled (%s)", termtext.Line(strings.Join(dirs, ", ")))
	}
	fmt.Fprintln(a.deps.Stdout)
	return nil
}
