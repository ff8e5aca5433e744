package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// stagesInput is the inventory a stack's stages read.
type stagesInput struct {
	// inventory is the document the stages read (predicted during plan);
	// nil when the tier reads none.
	inventory *inventory.Document
	// knownAfterApply are the inventory keys known only after the
	// publishing tier is applied (plan only).
	knownAfterApply []string
}

// stackStages are the stages of one stack, in the order they run.
type stackStages struct {
	stack tier.Stack
	// terraform is the Terraform stage; nil when the tier has none, or when
	// it could not be built (tfErr).
	terraform TerraformStage
	hasTF     bool
	tfName    string
	tfErr     error
	releases  []releaseStage
}

// releaseStage is one Helm release of a stack.
type releaseStage struct {
	release config.Release
	stage   HelmStage
	err     error
	// secrets are the values of the secret variables its set entries
	// read, in its Results' Secrets whatever happens.
	secrets []string
}

// stages builds a stack's stages from the configuration and the inventory:
// the one place where what a stage gets is decided (binary, directories,
// variables files, cluster, inventory).
func (r *run) stages(ctx context.Context, s tier.Stack, in stagesInput) *stackStages {
	t := r.Config.Tier(s.Tier)
	st := &stackStages{stack: s}
	log := r.console.Logger(s.Key())
	if tf := t.Terraform; tf != nil {
		st.hasTF = true
		st.tfName = config.Expand(tf.Dir, s.Environment)
		st.terraform, st.tfErr = r.terraformStage(ctx, s, t, in)
	}
	if len(t.Helm) == 0 {
		return st
	}
	// A cluster: block reaches the cluster without a kubeconfig; the
	// others use --kube-context, else the environment's kube_context.
	target, clusterErr := r.cluster(s, in)
	kube := r.KubeContext
	if e := r.Config.Environment(s.Environment); kube == "" && e != nil {
		kube = e.KubeContext
	}
	if block, _ := r.Config.ClusterFor(s.Tier, s.Environment); block != nil {
		kube = ""
	}
	for _, rel := range t.ReleaseOrder() {
		rel = rel.Expanded(s.Environment)
		rs := releaseStage{release: rel}
		set, err := rel.ExpandSet(config.Vars{Environment: s.Environment, Commit: r.head, LookupEnv: r.LookupEnv})
		for _, e := range set {
			rs.secrets = append(rs.secrets, e.SecretValues...)
		}
		r.mask(rs.secrets)
		switch {
		case err != nil:
			rs.err = err
		case clusterErr != nil:
			rs.err = clusterErr
		default:
			rs.stage, rs.err = r.Tools.NewHelm(ctx, HelmSpec{
				Stack: s.Key(), Release: rel, Root: r.Config.Root, KubeContext: kube, Cluster: target, Set: set,
				Inventory: in.inventory, KnownAfterApply: in.knownAfterApply,
				WorkDir: filepath.Join(r.workDir, "helm"), Log: log,
			})
		}
		st.releases = append(st.releases, rs)
	}
	return st
}

// terraformStage builds the Terraform stage of a stack. A tier that reads
// the inventory gets it as the variable "inventory", from a variables file
// in the run's work directory (never in the repository: environments share
// stage directories).
func (r *run) terraformStage(ctx context.Context, s tier.Stack, t *config.Tier, in stagesInput) (TerraformStage, error) {
	bin, err := r.terraformBinary(ctx, binaryRequest(r.Config, s, t))
	if err != nil {
		return nil, err
	}
	r.usedBinary(s, bin)
	tf := t.Terraform
	rel := config.Expand(tf.Dir, s.Environment)
	spec := TerraformSpec{
		Stack:          s.Key(),
		Binary:         bin.Path,
		Dir:            filepath.Join(r.Config.Root, filepath.FromSlash(rel)),
		Name:           rel,
		Workspace:      config.Expand(tf.Workspace, s.Environment),
		LockTimeout:    time.Duration(r.Config.Terraform.LockTimeout),
		WorkDir:        filepath.Join(r.workDir, "terraform"),
		PluginCacheDir: r.cache,
		Log:            r.console.Logger(s.Key()),
	}
	for _, f := range tf.VarFiles {
		spec.VarFiles = append(spec.VarFiles, filepath.Join(r.Config.Root, filepath.FromSlash(config.Expand(f, s.Environment))))
	}
	for _, b := range tf.BackendConfig {
		spec.BackendConfig = append(spec.BackendConfig, config.Expand(b, s.Environment))
	}
	if in.inventory != nil {
		f, err := r.writeInventoryVars(s, in.inventory)
		if err != nil {
			return nil, err
		}
		spec.VarFiles = append(spec.VarFiles, f)
		// Terraform does not mark them (the variable is of type any).
		spec.Secrets = inventory.SensitiveLeaves(in.inventory)
	}
	return r.Tools.NewTerraform(spec)
}

// binaryRequest says which terraform binary a stack's Terraform runs: the
// one place a request is built, for the flows, `tierdeploy version` and
// `tierdeploy tools install`.
func binaryRequest(cfg *config.Config, s tier.Stack, t *config.Tier) BinaryRequest {
	req := BinaryRequest{Configured: cfg.Terraform.Binary, Version: t.Terraform.Version,
		Root: cfg.Root, ConfigFile: cfg.File, Dir: config.Expand(t.Terraform.Dir, s.Environment)}
	if p, ok := cfg.Position("terraform.binary"); ok {
		req.ConfiguredLine = p.Line
	}
	for i := range cfg.Tiers {
		if &cfg.Tiers[i] != t {
			continue
		}
		if p, ok := cfg.Position(fmt.Sprintf("tiers[%d].terraform.version", i)); ok {
			req.VersionLine = p.Line
		}
	}
	return req
}

// terraformBinary resolves a binary, installing it when needed, once per
// distinct request in a run (stacks of one directory and version share
// it).
func (r *run) terraformBinary(ctx context.Context, req BinaryRequest) (Binary, error) {
	r.binMu.Lock()
	b, ok := r.bins[req]
	if !ok {
		b = &binaryResult{}
		r.bins[req] = b
	}
	r.binMu.Unlock()
	b.once.Do(func() {
		b.bin, b.err = r.Tools.FindTerraform(ctx, req)
		if b.err == nil {
			r.log.Info("using terraform", "binary", b.bin.Path, "version", b.bin.Version, "dir", req.Dir,
				"choice", b.bin.Choice, "location", b.bin.Location)
		}
	})
	return b.bin, b.err
}

// writeInventoryVars writes {"inventory": values} for a stack into the
// run's work directory and returns its path, passed to Terraform as a
// -var-file. It is readable by the owner only: the inventory may hold
// secrets.
func (r *run) writeInventoryVars(s tier.Stack, doc *inventory.Document) (string, error) {
	values := doc.Values
	if values == nil {
		values = map[string]json.RawMessage{}
	}
	dir := filepath.Join(r.workDir, "inventory", s.Tier+"."+s.Environment)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("write inventory variables: %w", err)
	}
	body, err := json.Marshal(map[string]any{"inventory": values})
	if err != nil {
		return "", fmt.Errorf("write inventory variables: %w", err)
	}
	path := filepath.Join(dir, "inventory.auto.tfvars.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		return "", fmt.Errorf("write inventory variables: %w", err)
	}
	return path, nil
}

// planTerraform plans the stack's Terraform stage; a failure is in the
// Result.
func (st *stackStages) planTerraform(ctx context.Context, refreshOnly bool) plan.Result {
	if st.tfErr != nil {
		return plan.Result{Stack: st.stack.Key(), Kind: plan.Terraform, Name: st.tfName, Err: st.tfErr}
	}
	res, err := st.terraform.Plan(ctx, refreshOnly)
	if err != nil && res.Err == nil {
		res.Err = err
	}
	res.Stack, res.Kind = st.stack.Key(), plan.Terraform
	if res.Name == "" {
		res.Name = st.tfName
	}
	return res
}

// helmStep runs one step (plan, apply or drift) of a release; a failure is
// in the Result.
func (st *stackStages) helmStep(ctx context.Context, rs releaseStage, step func(HelmStage, context.Context) (plan.Result, error)) plan.Result {
	res := plan.Result{Stack: st.stack.Key(), Kind: plan.Helm, Name: rs.release.Release, Secrets: slices.Clone(rs.secrets)}
	switch {
	case errors.Is(rs.err, ErrNoHelm):
		res.Skipped = ErrNoHelm.Error()
		return res
	case rs.err != nil:
		res.Err = rs.err
		return res
	}
	r, err := step(rs.stage, ctx)
	if err != nil && r.Err == nil {
		r.Err = err
	}
	r.Stack, r.Kind = st.stack.Key(), plan.Helm
	if r.Name == "" {
		r.Name = rs.release.Release
	}
	r.Secrets = append(r.Secrets, rs.secrets...)
	return r
}

// release returns the stage of the release called name.
func (st *stackStages) release(name string) releaseStage {
	for _, rs := range st.releases {
		if rs.release.Release == name {
			return rs
		}
	}
	return releaseStage{release: config.Release{Release: name}, err: fmt.Errorf("release %s is not configured", name)}
}
