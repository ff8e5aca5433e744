package app

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/deploy"
	"github.com/tierdeploy/tierdeploy/internal/redact"
	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// Environment variables of the tool source (the flags --tool-mirror and
// --offline win over them, and they over tierdeploy.yaml).
const (
	ToolMirrorVar = "TIERDEPLOY_TOOL_MIRROR"
	OfflineVar    = "TIERDEPLOY_OFFLINE"
)

// ToolSource says where a toolchain gets the Terraform and OpenTofu
// releases it installs.
type ToolSource struct {
	// Mirror is the base URL of a mirror of the releases; empty means the
	// products' own release channels.
	Mirror string
	// Offline installs nothing: releases come from the tool cache or PATH.
	Offline bool
	// Log receives the installer's progress.
	Log *slog.Logger
}

// sourcedToolchain is a toolchain that installs releases (cmd/action's):
// each command gives it the run's tool source. An error means the mirror
// URL cannot be used. A toolchain without it is used as it is.
type sourcedToolchain interface {
	WithSource(ToolSource) (deploy.Toolchain, error)
}

// toolSource returns the run's tool source, each setting from its flag,
// else its environment variable, else tierdeploy.yaml (cfg may be nil),
// and the setting the mirror came from. An offline value that is not a
// boolean is bad input.
func (a *invocation) toolSource(cfg *config.Config) (src ToolSource, mirrorFrom string, err error) {
	src = ToolSource{Log: a.log}
	switch {
	case a.globals.toolMirror != "":
		src.Mirror, mirrorFrom = a.globals.toolMirror, "--tool-mirror"
	case a.deps.Getenv(ToolMirrorVar) != "":
		src.Mirror, mirrorFrom = a.deps.Getenv(ToolMirrorVar), ToolMirrorVar
	case cfg != nil:
		src.Mirror, mirrorFrom = cfg.Terraform.Mirror, "terraform.mirror"
	}
	var from string
	env := strings.TrimSpace(a.deps.Getenv(OfflineVar))
	switch {
	case a.globals.offline.set:
		src.Offline, from = a.globals.offline.value, "--offline"
	case env != "":
		v, err := strconv.ParseBool(env)
		if err != nil {
			return ToolSource{}, "", usagef("%s must be true or false, not %q", OfflineVar, env)
		}
		src.Offline, from = v, OfflineVar
	case cfg != nil:
		src.Offline, from = cfg.Terraform.Offline, "terraform.offline"
	}
	if src.Offline {
		a.log.Info("offline mode: Terraform and OpenTofu come from the tool cache or PATH only", "set by", from)
	}
	return src, mirrorFrom, nil
}

// toolchain returns the run's toolchain, given its tool source when it
// installs releases.
func (a *invocation) toolchain(cfg *config.Config) (deploy.Toolchain, error) {
	tools := a.deps.Tools
	st, ok := tools.(sourcedToolchain)
	if !ok {
		return tools, nil
	}
	src, from, err := a.toolSource(cfg)
	if err != nil {
		return nil, err
	}
	tools, err = st.WithSource(src)
	if err != nil {
		return nil, usagef("%s: %v", from, err)
	}
	if src.Mirror != "" {
		a.log.Info("Terraform and OpenTofu releases come from a mirror", "mirror", redacted(src.Mirror), "set by", from)
	}
	return tools, nil
}

// redacted is a URL without its credentials (user name included) or query.
func redacted(raw string) string { return redact.URL(raw) }

// binaryLine describes a stack's binary on one line, safe for a terminal:
// the choice, where it is, or why it cannot be had. The version a binary
// reports, its path and the error (which quotes a version file) are
// outside text.
func binaryLine(b deploy.StackBinary) string {
	return termtext.Line(binaryText(b))
}

func binaryText(b deploy.StackBinary) string {
	if b.Err != nil {
		return "error: " + strings.ReplaceAll(b.Err.Error(), "\n", " ")
	}
	s := b.Binary.Choice
	if s == "" {
		s = b.Binary.Version
	}
	if b.Binary.Location != "" {
		s += ", " + b.Binary.Location
	}
	if b.Binary.Path != "" {
		s += " at " + b.Binary.Path
	}
	return s
}

// printBinaries prints one line per stack, names aligned.
func (a *invocation) printBinaries(bins []deploy.StackBinary) {
	width := 0
	for _, b := range bins {
		width = max(width, len(b.Stack.String()))
	}
	for _, b := range bins {
		fmt.Fprintf(a.deps.Stdout, "%-*s  %s\n", width, b.Stack.String(), binaryLine(b))
	}
}
