package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/childenv"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/terraform"
)

// deps builds the real adapters.
func deps(args []string) app.Deps {
	return app.Deps{
		Args:        args,
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Getenv:      os.Getenv,
		Git:         func(dir string) app.GitRunner { return &changes.Git{Dir: dir} },
		Tools:       toolchain{key: fingerprintKey()},
		NewStore:    newStore,
		ReadFile:    os.ReadFile,
		NewRunner:   newRunner,
		NewCodeHost: newCodeHost,
		Terminal:    terminal,
	}
}

// terminal reports whether w is a terminal, and its width.
func terminal(w io.Writer) (bool, int) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		width = 0
	}
	return true, width
}

// toolchain finds the terraform binary and builds the stages with
// internal/terraform and internal/helm; key keys the stages' fingerprints.
type toolchain struct{ key []byte }

func (t toolchain) NewTerraform(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
	return newTerraform(spec, t.key)
}

func (t toolchain) NewHelm(spec deploy.HelmSpec) (deploy.HelmStage, error) {
	return newHelm(spec, t.key)
}

// FindTerraform finds tofu or terraform and asks it for its version.
func (toolchain) FindTerraform(ctx context.Context, req deploy.BinaryRequest) (deploy.Binary, error) {
	p, err := terraform.FindBinary(req.Configured, exec.LookPath)
	if err != nil {
		return deploy.Binary{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, "version", "-json")
	cmd.Env = append(childenv.Environ(), "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		return deploy.Binary{Path: p, Version: "unknown version"}, nil
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil || v.Version == "" {
		return deploy.Binary{Path: p, Version: "unknown version"}, nil
	}
	kind := "Terraform"
	if strings.HasPrefix(filepath.Base(p), "tofu") {
		kind = "OpenTofu"
	}
	return deploy.Binary{Path: p, Version: kind + " v" + v.Version}, nil
}
