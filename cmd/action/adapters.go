package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/childenv"
	"github.com/tierdeploy/tierdeploy/internal/terraform"
)

// deps builds the real adapters.
func deps(args []string) app.Deps {
	return app.Deps{
		Args:         args,
		Stdin:        os.Stdin,
		Stdout:       os.Stdout,
		Stderr:       os.Stderr,
		Getenv:       os.Getenv,
		Git:          func(dir string) app.GitRunner { return &changes.Git{Dir: dir} },
		Terraform:    terraformFinder{},
		NewTerraform: func(spec app.TerraformSpec) (app.TerraformStage, error) { return newTerraform(spec, fingerprintKey()) },
		NewHelm:      func(spec app.HelmSpec) (app.HelmStage, error) { return newHelm(spec, fingerprintKey()) },
		NewStore:     newStore,
		ReadFile:     os.ReadFile,
		NewRunner:    newRunner,
		NewCodeHost:  newCodeHost,
	}
}

// terraformFinder finds tofu or terraform and asks it for its version.
type terraformFinder struct{}

func (terraformFinder) Find(ctx context.Context, configured string) (string, string, error) {
	p, err := terraform.FindBinary(configured, exec.LookPath)
	if err != nil {
		return "", "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, "version", "-json")
	cmd.Env = append(childenv.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return p, "unknown version", nil
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil || v.Version == "" {
		return p, "unknown version", nil
	}
	kind := "Terraform"
	if strings.HasPrefix(filepath.Base(p), "tofu") {
		kind = "OpenTofu"
	}
	return p, kind + " v" + v.Version, nil
}
