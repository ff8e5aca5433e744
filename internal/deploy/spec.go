package deploy

import (
	"log/slog"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// BinaryRequest says which terraform or tofu binary a stack's Terraform
// stage runs. It is built for each stack in one place (binaryRequest), so
// that a per-stack choice (a version constraint of the stack) is a field
// here and a case in the Toolchain.
type BinaryRequest struct {
	// Configured is terraform.binary of the configuration: "tofu",
	// "terraform", a path, or "" for the first found.
	Configured string
	// Version is the tier's terraform.version ("" when not set).
	Version string
	// Dir is the stage directory, relative to the configuration root,
	// slash-separated, the {environment} placeholder replaced: where
	// version files and required_version are looked for.
	Dir string
}

// Binary is a resolved terraform or tofu binary.
type Binary struct {
	Path string
	// Version is how the binary names itself, such as "OpenTofu v1.10.10".
	Version string
}

// TerraformSpec is one Terraform stage to build.
type TerraformSpec struct {
	Stack plan.Stack
	// Binary is the resolved terraform or tofu binary.
	Binary string
	// Dir is the absolute root module directory; Name is how the
	// configuration writes it.
	Dir  string
	Name string
	// VarFiles are absolute.
	VarFiles      []string
	Workspace     string
	BackendConfig []string
	LockTimeout   time.Duration
	// WorkDir holds plan files and the stage's data directory, outside the
	// repository; PluginCacheDir is shared by every stage of the run.
	WorkDir        string
	PluginCacheDir string
	Log            *slog.Logger
	// Secrets are the sensitive values of the inventory the stage
	// receives, which Terraform does not mark: the stage masks them in its
	// log, plan text and fingerprint, and returns them in its Results'
	// Secrets.
	Secrets []string
}

// HelmSpec is one Helm release stage to build.
type HelmSpec struct {
	Stack plan.Stack
	// Release has the {environment} placeholder expanded; Root is the
	// absolute configuration root that local chart and values paths are
	// relative to.
	Release     config.Release
	Root        string
	KubeContext string
	// Inventory is the document the release's inventory_values are read
	// from (predicted during plan); nil when the tier reads none.
	Inventory *inventory.Document
	// KnownAfterApply lists the inventory keys known only after the
	// infrastructure is applied (plan only).
	KnownAfterApply []string
	// WorkDir holds the run's chart repository cache.
	WorkDir string
	Log     *slog.Logger
}
