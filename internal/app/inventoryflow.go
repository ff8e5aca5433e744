package app

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// inventoryVars returns the document's values for Terraform's "inventory"
// variable; nil (no variable) without a document.
func inventoryVars(doc *inventory.Document) map[string]json.RawMessage {
	if doc == nil {
		return nil
	}
	if doc.Values == nil {
		return map[string]json.RawMessage{}
	}
	return doc.Values
}

// inventorySecrets returns the sensitive values of the inventory a stage
// receives, for the stage to mask in everything it shows: Terraform does
// not mark them (the variable that carries them has type any).
func inventorySecrets(doc *inventory.Document) []string {
	return inventory.SensitiveLeaves(doc)
}

// inventoryFor returns the inventory a consuming stack plans against: the
// published inventory with the changes its publisher's plan predicts in this
// run. skip is set when the stack is only selected because the inventory
// might change and the prediction says it does not.
func (p *pipeline) inventoryFor(ctx context.Context, s tier.Stack, before []*stackOutcome) (doc *inventory.Document, unknown []string, skip string, err error) {
	pub := p.cfg.Publisher()
	current, err := p.current(ctx, s.Environment)
	if err != nil {
		return nil, nil, "", err
	}
	var publisher *stackOutcome
	for _, b := range before {
		if b.stack.Tier == pub.Name {
			publisher = b
		}
	}
	if publisher == nil || publisher.predicted == nil {
		if current == nil {
			return &inventory.Document{Schema: inventory.SchemaV1, Environment: s.Environment, Tier: pub.Name}, nil, "", nil
		}
		return current, nil, "", nil
	}
	if publisher.predicted.Empty() && onlyBecauseOfInventory(s) {
		return nil, nil, fmt.Sprintf("not planned: the inventory does not change (%s plans no output change)", publisher.stack.Key()), nil
	}
	values, unknown := inventory.PredictValues(current, publisher.predictedOutputs, pub.SensitiveOutputs)
	doc = &inventory.Document{Schema: inventory.SchemaV1, Environment: s.Environment, Tier: pub.Name, Commit: "predicted", Values: values}
	for k := range values {
		if sensitiveOutput(current, publisher.predictedOutputs, k) {
			doc.Sensitive = append(doc.Sensitive, k)
		}
	}
	slices.Sort(doc.Sensitive)
	return doc, unknown, "", nil
}

// sensitiveOutput reports whether the inventory key holds a secret, in the
// current document or by the plan's marks.
func sensitiveOutput(current *inventory.Document, outputs []inventory.OutputChange, key string) bool {
	if current != nil && current.IsSensitive(key) {
		return true
	}
	for _, o := range outputs {
		if o.Name == key && o.Sensitive {
			return true
		}
	}
	return false
}

// helmStep runs one step (plan, apply or drift) of a release; a failure is
// in the Result.
func (p *pipeline) helmStep(ctx context.Context, s tier.Stack, rel config.Release, doc *inventory.Document, unknown []string, step func(HelmStage, context.Context) (plan.Result, error)) plan.Result {
	rel = rel.Expanded(s.Environment)
	if p.deps.NewHelm == nil {
		return plan.Result{Stack: s.Key(), Kind: plan.Helm, Name: rel.Release, Skipped: "Helm stages are not available in this build"}
	}
	kube := ""
	if e := p.cfg.Environment(s.Environment); e != nil {
		kube = e.KubeContext
	}
	stage, err := p.deps.NewHelm(HelmSpec{
		Stack: s.Key(), Release: rel, Root: p.cfg.Root, KubeContext: kube, Inventory: doc, KnownAfterApply: unknown,
		WorkDir: filepath.Join(p.workDir, "helm"), Log: p.logs.logger(s.Key()),
	})
	if err != nil {
		return failedResult(s, plan.Helm, rel.Release, err)
	}
	r, err := step(stage, ctx)
	if err != nil && r.Err == nil {
		r.Err = err
	}
	r.Stack, r.Kind = s.Key(), plan.Helm
	if r.Name == "" {
		r.Name = rel.Release
	}
	return r
}

// publish builds the inventory from the tier's outputs and stores it; the
// store reads it back before reporting success.
func (ap *applier) publish(ctx context.Context, s tier.Stack, t *config.Tier, tf TerraformStage) (int64, string, error) {
	outs, err := tf.Outputs(ctx)
	if err != nil {
		return 0, "", fmt.Errorf("read the outputs: %w", err)
	}
	doc, err := inventory.Build(inventory.BuildInput{
		Environment: s.Environment, Tier: t.Name, Commit: ap.commit, Created: time.Now(),
		Outputs: outs, IncludeSensitive: t.SensitiveOutputs,
	})
	if err != nil {
		return 0, "", err
	}
	res, err := ap.store.Put(ctx, ap.leases.of(s.Environment), doc)
	if err != nil {
		return 0, "", fmt.Errorf("publish the inventory: %w", err)
	}
	ap.mu.Lock()
	ap.published[s.Environment] = publication{doc: doc, written: res.Written}
	ap.mu.Unlock()
	if !res.Written {
		return res.Version.Number, fmt.Sprintf("inventory unchanged (version %d)", res.Version.Number), nil
	}
	return res.Version.Number, fmt.Sprintf("inventory version %d published", res.Version.Number), nil
}

// publication is the inventory published in this run for an environment.
type publication struct {
	doc *inventory.Document
	// written is false when the document was unchanged.
	written bool
}

// inventoryToApply returns the inventory a consuming stack is applied with:
// the one published in this run, else the stored one. It returns nil when
// the stack is only selected because the inventory might change and the
// publisher published no change.
func (ap *applier) inventoryToApply(ctx context.Context, s tier.Stack, before []*stackOutcome) (*inventory.Document, error) {
	ap.mu.Lock()
	pub, ok := ap.published[s.Environment]
	ap.mu.Unlock()
	if ok {
		if !pub.written && onlyBecauseOfInventory(s) {
			return nil, nil
		}
		return pub.doc, nil
	}
	cur, err := ap.current(ctx, s.Environment)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return &inventory.Document{Schema: inventory.SchemaV1, Environment: s.Environment}, nil
	}
	return cur, nil
}
