package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/changes"
)

// deps builds the real adapters.
func deps(args []string) app.Deps {
	return app.Deps{
		Args:      args,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		Git:       func(dir string) app.GitRunner { return &changes.Git{Dir: dir} },
		Terraform: terraformFinder{},
	}
}

// terraformFinder finds tofu or terraform on PATH.
type terraformFinder struct{}

func (terraformFinder) Find(ctx context.Context, configured string) (string, string, error) {
	names := []string{"tofu", "terraform"}
	if configured != "" {
		names = []string{configured}
	}
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, p, "version", "-json").Output()
		if err != nil {
			return p, "unknown version", nil
		}
		var v struct {
			Version string `json:"terraform_version"`
		}
		_ = json.Unmarshal(out, &v)
		kind := "Terraform"
		if strings.Contains(p, "tofu") {
			kind = "OpenTofu"
		}
		return p, kind + " v" + v.Version, nil
	}
	return "", "", fmt.Errorf("none of %s is on PATH: install OpenTofu (or Terraform) or set terraform.binary", strings.Join(names, ", "))
}
