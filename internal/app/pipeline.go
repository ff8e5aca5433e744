package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// pipeline is one run over the selected stacks: it holds what every stack's
// stages share (binary, work directory, inventory reads).
type pipeline struct {
	cfg    *config.Config
	deps   Deps
	log    *slog.Logger
	binary string
	// workDir holds plan files and data directories for this run; cache is
	// the provider plugin cache shared by every stage.
	workDir string
	cache   string
	store   inventoryReader
	logs    *folder

	invMu sync.Mutex
	inv   map[string]currentInventory
}

// currentInventory is an environment's published inventory, read once.
type currentInventory struct {
	doc     *inventory.Document
	version inventory.Version
	err     error
}

// stackOutcome is what happened to one stack.
type stackOutcome struct {
	stack   tier.Stack
	results []plan.Result
	// skipped says why the stack did not run.
	skipped string
	// predicted is the inventory change the stack's plan predicts (publisher
	// tier only); nil when it did not plan.
	predicted *inventory.Change
	// predictedOutputs are its plan's output changes, for the values that
	// dependent stacks plan against.
	predictedOutputs []inventory.OutputChange
	duration         time.Duration
}

func (o *stackOutcome) failed() bool {
	return slices.ContainsFunc(o.results, plan.Result.Failed)
}

func (o *stackOutcome) hasChanges() bool {
	return slices.ContainsFunc(o.results, func(r plan.Result) bool { return r.HasChanges })
}

// newPipeline prepares a run: it finds the terraform binary when a selected
// tier has Terraform, and creates the run's work directory (removed by
// close).
func (a *invocation) newPipeline(ctx context.Context, cfg *config.Config, stacks []tier.Stack) (*pipeline, error) {
	p := &pipeline{cfg: cfg, deps: a.deps, log: a.log, inv: map[string]currentInventory{}}
	p.logs = &folder{main: a.log, out: a.deps.Stderr, format: a.globals.logFormat, bufs: map[plan.Stack]*lockedBuffer{}}
	if a.sess != nil && a.sess.ci() {
		p.logs.fold, p.logs.runner = true, a.sess.runner
	}
	needsTerraform := slices.ContainsFunc(stacks, func(s tier.Stack) bool { return cfg.Tier(s.Tier).Terraform != nil })
	if needsTerraform {
		if a.deps.Terraform == nil {
			return nil, errors.New("no terraform finder configured")
		}
		bin, version, err := a.deps.Terraform.Find(ctx, cfg.Terraform.Binary)
		if err != nil {
			return nil, err
		}
		p.binary = bin
		a.log.Info("using terraform", "binary", bin, "version", version)
	}
	dir, err := os.MkdirTemp("", "tierdeploy-")
	if err != nil {
		return nil, fmt.Errorf("create work directory: %w", err)
	}
	p.workDir = dir
	p.cache = a.deps.Getenv("TF_PLUGIN_CACHE_DIR")
	if p.cache == "" {
		p.cache = filepath.Join(dir, "plugin-cache")
	}
	return p, nil
}

func (p *pipeline) close() {
	if p.workDir != "" {
		_ = os.RemoveAll(p.workDir)
	}
}

// current returns the environment's published inventory (nil when none),
// reading the store once per run.
func (p *pipeline) current(ctx context.Context, env string) (*inventory.Document, error) {
	p.invMu.Lock()
	defer p.invMu.Unlock()
	if c, ok := p.inv[env]; ok {
		return c.doc, c.err
	}
	var c currentInventory
	if p.store != nil {
		c.doc, c.version, c.err = p.store.Get(ctx, env)
		if errors.Is(c.err, inventory.ErrNotFound) {
			c.doc, c.err = nil, nil
		}
		if c.err != nil {
			c.err = fmt.Errorf("read the inventory of %s: %w", env, c.err)
		}
	}
	p.inv[env] = c
	return c.doc, c.err
}

// terraformStage builds the Terraform stage of a stack. doc, when not nil,
// is the inventory handed to the stage as the variable "inventory"; the
// stage masks its sensitive values (see inventorySecrets).
func (p *pipeline) terraformStage(s tier.Stack, t *config.Tier, doc *inventory.Document) (TerraformStage, error) {
	vars := inventoryVars(doc)
	tf := t.Terraform
	rel := config.Expand(tf.Dir, s.Environment)
	spec := TerraformSpec{
		Stack:          s.Key(),
		Binary:         p.binary,
		Dir:            filepath.Join(p.cfg.Root, filepath.FromSlash(rel)),
		Name:           rel,
		Workspace:      config.Expand(tf.Workspace, s.Environment),
		LockTimeout:    time.Duration(p.cfg.Terraform.LockTimeout),
		WorkDir:        filepath.Join(p.workDir, "terraform"),
		PluginCacheDir: p.cache,
		Log:            p.logs.logger(s.Key()),
		Secrets:        inventorySecrets(doc),
	}
	for _, f := range tf.VarFiles {
		spec.VarFiles = append(spec.VarFiles, filepath.Join(p.cfg.Root, filepath.FromSlash(config.Expand(f, s.Environment))))
	}
	for _, b := range tf.BackendConfig {
		spec.BackendConfig = append(spec.BackendConfig, config.Expand(b, s.Environment))
	}
	if vars != nil {
		f, err := p.writeInventoryVars(s, vars)
		if err != nil {
			return nil, err
		}
		spec.VarFiles = append(spec.VarFiles, f)
	}
	return p.deps.NewTerraform(spec)
}

// writeInventoryVars writes {"inventory": vars} for a stack into the run's
// work directory (never into the repository: environments share stage
// directories) and returns its path, passed to Terraform as a -var-file.
func (p *pipeline) writeInventoryVars(s tier.Stack, vars map[string]json.RawMessage) (string, error) {
	dir := filepath.Join(p.workDir, "inventory", s.Tier+"."+s.Environment)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("write inventory variables: %w", err)
	}
	body, err := json.Marshal(map[string]any{"inventory": vars})
	if err != nil {
		return "", fmt.Errorf("write inventory variables: %w", err)
	}
	path := filepath.Join(dir, "inventory.auto.tfvars.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		return "", fmt.Errorf("write inventory variables: %w", err)
	}
	return path, nil
}

// consumesInventory reports whether the tier reads the inventory: it needs
// the publishing tier, directly or not.
func consumesInventory(cfg *config.Config, t *config.Tier) bool {
	pub := cfg.Publisher()
	if pub == nil || pub.Name == t.Name {
		return false
	}
	seen := map[string]bool{}
	queue := slices.Clone(t.Needs)
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n == pub.Name {
			return true
		}
		if !seen[n] {
			seen[n] = true
			queue = append(queue, cfg.Tier(n).Needs...)
		}
	}
	return false
}

// onlyBecauseOfInventory reports whether a stack was selected only because
// the inventory may change.
func onlyBecauseOfInventory(s tier.Stack) bool {
	for _, r := range s.Reasons {
		if !strings.HasSuffix(r, "(inventory may change)") {
			return false
		}
	}
	return len(s.Reasons) > 0
}

// toInventoryChanges converts a plan's output changes for the inventory.
func toInventoryChanges(outputs []plan.OutputChange) []inventory.OutputChange {
	out := make([]inventory.OutputChange, 0, len(outputs))
	for _, o := range outputs {
		out = append(out, inventory.OutputChange{
			Name: o.Name, Before: o.Before, After: o.After,
			AfterUnknown: o.AfterUnknown, Sensitive: o.Sensitive, Action: string(o.Action),
		})
	}
	return out
}
