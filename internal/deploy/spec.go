package deploy

import (
	"log/slog"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/cluster"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// BinaryRequest says which terraform or tofu binary a stack's Terraform
// stage runs. It is built for each stack in one place (binaryRequest), so
// that a per-stack choice (a version constraint of the stack) is a field
// here and a case in the Toolchain. Stacks with equal requests share one
// binary.
type BinaryRequest struct {
	// Configured is terraform.binary of the configuration: "tofu",
	// "terraform", a path, or "" for the first found. ConfiguredLine is its
	// line in ConfigFile; 0 when it is not set.
	Configured     string
	ConfiguredLine int
	// Version is the tier's terraform.version ("" when not set), and
	// VersionLine its line in ConfigFile.
	Version     string
	VersionLine int
	// Root is the absolute configuration root, and ConfigFile the
	// configuration file relative to it: the place the lines are in.
	Root       string
	ConfigFile string
	// Dir is the stage directory, relative to Root, slash-separated, the
	// {environment} placeholder replaced: where version files and
	// required_version are looked for (version files also in its parents,
	// up to the repository root).
	Dir string
}

// Binary is a resolved terraform or tofu binary.
type Binary struct {
	// Path is the binary; empty when SelectTerraform chose a release that
	// is still to be installed.
	Path string
	// Version names the product and the release, such as "OpenTofu
	// 1.10.7".
	Version string
	// Choice says which release was chosen and why, in words that are the
	// same on every run that makes the same choice (no path): "OpenTofu
	// 1.10.7 (~> 1.10.0 from infra/versions.tf:3 (required_version))". The
	// report shows it; empty when the toolchain cannot say.
	Choice string
	// Location says where the binary is or comes from, for logs and
	// `tierdeploy version`: "cached", "on PATH", "downloaded and verified",
	// "to download".
	Location string
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
	Release config.Release
	Root    string
	// KubeContext selects the kubeconfig's context when Cluster is nil:
	// --kube-context, else the environment's kube_context.
	KubeContext string
	// Cluster, when set, is the cluster of the stack's cluster: block,
	// read from Inventory: the release reaches it without a kubeconfig,
	// with EKS tokens. Its Pending keys mean the infrastructure plan
	// creates or replaces the cluster (plan only).
	Cluster *cluster.Target
	// Set are the release's set entries with their placeholders replaced
	// (config.Release.ExpandSet).
	Set []config.SetEntry
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
