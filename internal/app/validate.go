package app

import (
	"context"
	"flag"
	"fmt"
	"strings"
)

func runValidate(_ context.Context, a *invocation) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	if err := a.parse(fs, "validate [--config FILE] [--chdir DIR]"); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	var tiers []string
	for _, t := range cfg.Tiers {
		tiers = append(tiers, t.Name)
	}
	fmt.Fprintf(a.deps.Stdout, "%s is valid: %d tier(s) (%s), %d environment(s) (%s), inventory store %s\n",
		cfg.File, len(cfg.Tiers), strings.Join(tiers, ", "),
		len(cfg.Environments), strings.Join(cfg.EnvironmentNames(), ", "), cfg.StoreKind())
	return nil
}
