package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// TerraformSpec is one Terraform stage to build (cmd/action builds it with
// internal/terraform).
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

// TerraformStage plans and applies one Terraform root module of one stack.
type TerraformStage interface {
	// Plan plans; refreshOnly plans only the refresh (drift). The Result
	// holds Err too when the plan failed.
	Plan(ctx context.Context, refreshOnly bool) (plan.Result, error)
	// Apply applies the plan of the last successful Plan.
	Apply(ctx context.Context) error
	// Outputs reads the root module's outputs after apply.
	Outputs(ctx context.Context) (map[string]inventory.Output, error)
}

// HelmSpec is one Helm release stage to build (cmd/action builds it with
// internal/helm).
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
	// infrastructure is applied (plan only): values under them are shown as
	// placeholders rather than failing as missing.
	KnownAfterApply []string
	// WorkDir holds the run's chart repository cache.
	WorkDir string
	Log     *slog.Logger
}

// HelmStage diffs, applies and checks one Helm release.
type HelmStage interface {
	// Plan diffs the release against what is deployed.
	Plan(ctx context.Context) (plan.Result, error)
	// Apply upgrades (or installs) the release.
	Apply(ctx context.Context) (plan.Result, error)
	// Drift compares the live objects with the release's manifest.
	Drift(ctx context.Context) (plan.Result, error)
}

// inventoryReader reads an environment's current inventory.
type inventoryReader interface {
	// Get returns the current document; an error matching
	// inventory.ErrNotFound means none was published yet.
	Get(ctx context.Context, env string) (*inventory.Document, inventory.Version, error)
}

// InventoryStore is the store as apply and the inventory command use it.
type InventoryStore interface {
	inventoryReader
	GetVersion(ctx context.Context, env string, n int64) (*inventory.Document, inventory.Version, error)
	Put(ctx context.Context, c *inventory.Claim, doc *inventory.Document) (inventory.PutResult, error)
	History(ctx context.Context, env string) ([]inventory.Version, error)
	Acquire(ctx context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error)
	GetApplied(ctx context.Context, env string) (*inventory.Applied, error)
	PutApplied(ctx context.Context, c *inventory.Claim, rec *inventory.Applied) error
}

// storeFactory opens the inventory store the configuration names.
type storeFactory func(ctx context.Context, cfg *config.Config) (InventoryStore, error)
