package deploy

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// TerraformStage plans and applies one Terraform root module of one stack
// (internal/terraform).
type TerraformStage interface {
	// Plan plans; refreshOnly plans only the refresh (drift). A failed plan
	// returns its error in the Result too.
	Plan(ctx context.Context, refreshOnly bool) (plan.Result, error)
	// Apply applies the plan of the last successful Plan.
	Apply(ctx context.Context) error
	// Outputs reads the root module's outputs after apply.
	Outputs(ctx context.Context) (map[string]inventory.Output, error)
}

// HelmStage diffs, applies and checks one Helm release (internal/helm).
type HelmStage interface {
	Plan(ctx context.Context) (plan.Result, error)
	Apply(ctx context.Context) (plan.Result, error)
	Drift(ctx context.Context) (plan.Result, error)
}

// ErrNoHelm is what Toolchain.NewHelm returns when the build has no Helm
// stages: the release is reported as skipped rather than failed.
var ErrNoHelm = errors.New("Helm stages are not available in this build")

// Toolchain finds the binaries the stages run and builds the stages
// (cmd/action wires internal/terraform and internal/helm).
type Toolchain interface {
	// SelectTerraform decides which terraform or tofu binary a request
	// runs without installing anything (Binary.Path is empty for a release
	// still to be installed). The flows call it for every stack before any
	// runs; an error wrapping a *RequestError means the request cannot be
	// had as written.
	SelectTerraform(ctx context.Context, req BinaryRequest) (Binary, error)
	// FindTerraform returns the terraform or tofu binary a request asks
	// for, installing it first when needed (see BinaryRequest).
	FindTerraform(ctx context.Context, req BinaryRequest) (Binary, error)
	NewTerraform(spec TerraformSpec) (TerraformStage, error)
	// NewHelm builds a Helm release stage; with a cluster: block it also
	// makes the cluster's token source, which may read the AWS
	// configuration.
	NewHelm(ctx context.Context, spec HelmSpec) (HelmStage, error)
}

// Masker registers a secret with the CI runner, which then hides it in the
// rest of the job log (GitHub's ::add-mask::).
type Masker interface {
	AddMask(secret string) error
}

// InventoryReader reads an environment's current inventory.
type InventoryReader interface {
	// Get returns the current document; an error matching
	// inventory.ErrNotFound means none was published yet.
	Get(ctx context.Context, env string) (*inventory.Document, inventory.Version, error)
}

// Store is the inventory store as apply writes it: the inventory and the
// apply record of each environment. Every write goes through the claim on
// the environment's lease, which fences it: a store refuses to write for a
// run that lost its lease.
type Store interface {
	InventoryReader
	Put(ctx context.Context, c *inventory.Claim, doc *inventory.Document) (inventory.PutResult, error)
	GetApplied(ctx context.Context, env string) (*inventory.Applied, error)
	PutApplied(ctx context.Context, c *inventory.Claim, rec *inventory.Applied) error
}

// Claims are the leases a run holds on the environments' inventories
// (taken, renewed and released by the caller).
type Claims interface {
	// Of returns the claim on env's inventory; nil when the run holds no
	// lease on it, which the stores refuse to write with.
	Of(env string) *inventory.Claim
}

// CodeHost is the platform's API as the flows use it (internal/scm/github,
// internal/scm/gitlab).
type CodeHost interface {
	// MergedChange finds the pull or merge request merged as a commit.
	MergedChange(ctx context.Context, sha string) (number int, found bool, err error)
	// FindComment finds tierdeploy's comment with a marker.
	FindComment(ctx context.Context, number int, marker string) (scm.Comment, bool, error)
	// UpsertComment keeps one comment per marker.
	UpsertComment(ctx context.Context, number int, marker, body string) (scm.Result, error)
	// SyncIssues keeps one issue per drifting stack.
	SyncIssues(ctx context.Context, s scm.IssueSync) ([]scm.Result, error)
}

// Detector selects the stacks changed between two commits (apply compares
// each stack with its last apply).
type Detector interface {
	Detect(ctx context.Context, base, head string) ([]tier.Stack, error)
}

// Console shows a run's progress: one line per stack on a terminal, one
// group per stack in CI (internal/console, adapted by internal/app).
type Console interface {
	// Begin lists the stacks of the run, in order, before any starts.
	Begin(stacks []plan.Stack)
	// Logger returns the logger the stages of a stack write to.
	Logger(s plan.Stack) *slog.Logger
	// Started says the stack's work began.
	Started(s plan.Stack)
	// Finished says how the stack ended.
	Finished(s plan.Stack, o *StackOutcome)
}

// Deps are what plan, apply and drift all need.
type Deps struct {
	Config *config.Config
	Tools  Toolchain
	// Console shows progress; nil shows none, and stages log to Log.
	Console Console
	// Log is the run's log; nil discards it.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Checks runs after a stack is planned (plan and apply); nil runs none.
	Checks Checker
	// LookupEnv reads the environment variables that the releases' set
	// values name ({env.NAME}), as os.LookupEnv does; nil means none is
	// set. The flows read no other environment.
	LookupEnv func(name string) (string, bool)
	// Masker registers the secrets of set values as soon as they are
	// expanded, before any log line could hold one; nil registers none.
	Masker Masker
	// KubeContext, when set, replaces the kube_context of every
	// environment for the Helm releases of stacks without a cluster:
	// block (--kube-context).
	KubeContext string
}
