package main

import (
	"context"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/tfinstall"
)

// deps builds the real adapters.
func deps(args []string) app.Deps {
	return app.Deps{
		Args:        args,
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Getenv:      os.Getenv,
		LookupEnv:   os.LookupEnv,
		Git:         func(dir string) app.GitRunner { return &changes.Git{Dir: dir} },
		Tools:       newToolchain(fingerprintKey(), newEKSTokens(), tfinstall.Options{}, os.Getenv),
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

func (t *toolchain) NewTerraform(spec deploy.TerraformSpec) (deploy.TerraformStage, error) {
	return newTerraform(spec, t.key)
}

func (t *toolchain) NewHelm(ctx context.Context, spec deploy.HelmSpec) (deploy.HelmStage, error) {
	return newHelm(ctx, spec, t.key, t.tokens)
}
