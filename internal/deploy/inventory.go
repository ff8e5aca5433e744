package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// inventories reads each environment's published inventory once per run.
type inventories struct {
	reader InventoryReader
	mu     sync.Mutex
	docs   map[string]currentInventory
}

type currentInventory struct {
	doc *inventory.Document
	err error
}

func newInventories(reader InventoryReader) *inventories {
	return &inventories{reader: reader, docs: map[string]currentInventory{}}
}

// current returns the environment's published inventory, nil when none was
// published or there is no store to read (a fork's plan); the error is an
// *InventoryError.
func (c *inventories) current(ctx context.Context, env string) (*inventory.Document, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d, ok := c.docs[env]; ok {
		return d.doc, d.err
	}
	var d currentInventory
	if c.reader != nil {
		d.doc, _, d.err = c.reader.Get(ctx, env)
		if errors.Is(d.err, inventory.ErrNotFound) {
			d.doc, d.err = nil, nil
		}
		if d.err != nil {
			d.err = &InventoryError{Environment: env, Op: "read", Err: d.err}
		}
	}
	c.docs[env] = d
	return d.doc, d.err
}

// checkStored reads the published inventory of every environment whose
// stacks publish or read it, once (the run keeps it for the stages), so
// that an invalid document stops the run as bad input before any stage
// plans or applies anything. Other read errors are left to the stacks that
// need the document.
func (r *run) checkStored(ctx context.Context, stacks []tier.Stack) error {
	seen := map[string]bool{}
	for _, s := range stacks {
		t := r.Config.Tier(s.Tier)
		if seen[s.Environment] || t == nil || !(t.PublishesInventory || r.Config.ConsumesInventory(t)) {
			continue
		}
		seen[s.Environment] = true
		if _, err := r.inv.current(ctx, s.Environment); err != nil && errors.Is(err, inventory.ErrInvalid) {
			return fmt.Errorf("%w: nothing was planned or applied; store a valid document with tierdeploy inventory put --environment %s", err, s.Environment)
		}
	}
	return nil
}

// emptyInventory is the document a consuming stack reads when none was
// published yet.
func emptyInventory(env string, pub *config.Tier) *inventory.Document {
	return &inventory.Document{Schema: inventory.SchemaV1, Environment: env, Tier: pub.Name}
}

// planInventory returns the inventory a stack is planned against: for a
// tier that reads it, the published inventory with the changes its
// publisher's plan in this run predicts. It returns a skip when the stack is
// selected only because the inventory might change and the prediction says
// it does not.
func (r *run) planInventory(ctx context.Context, s tier.Stack, t *config.Tier, before []*StackOutcome) (stagesInput, *Skip, error) {
	if !r.Config.ConsumesInventory(t) {
		return stagesInput{}, nil, nil
	}
	pub := r.Config.Publisher()
	current, err := r.inv.current(ctx, s.Environment)
	if err != nil {
		return stagesInput{}, nil, err
	}
	var publisher *StackOutcome
	for _, b := range before {
		if b.Stack.Tier == pub.Name {
			publisher = b
		}
	}
	if publisher == nil || publisher.Predicted == nil {
		if current == nil {
			current = emptyInventory(s.Environment, pub)
		}
		return stagesInput{inventory: current}, nil, nil
	}
	if publisher.Predicted.Empty() && tier.OnlyInventory(s.Reasons) {
		return stagesInput{}, &Skip{Reason: InventoryUnchanged, Command: r.cmd, Stack: publisher.Stack.Key()}, nil
	}
	values, unknown := inventory.PredictValues(current, publisher.predictedOutputs, pub.SensitiveOutputs)
	doc := &inventory.Document{Schema: inventory.SchemaV1, Environment: s.Environment, Tier: pub.Name, Commit: "predicted", Values: values}
	for k := range values {
		if sensitiveOutput(current, publisher.predictedOutputs, k) {
			doc.Sensitive = append(doc.Sensitive, k)
		}
	}
	slices.Sort(doc.Sensitive)
	return stagesInput{inventory: doc, knownAfterApply: unknown}, nil, nil
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

// predict records the inventory change a publishing stack's plan predicts.
func (r *run) predict(ctx context.Context, out *StackOutcome, t *config.Tier, res plan.Result) error {
	current, err := r.inv.current(ctx, out.Stack.Environment)
	if err != nil {
		return err
	}
	out.predictedOutputs = toInventoryChanges(res.Outputs)
	c := inventory.Predict(current, out.predictedOutputs, t.SensitiveOutputs)
	out.Predicted = &c
	return nil
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

// inventoryDrift compares the stored inventory with what the tier's current
// outputs would publish.
func (r *run) inventoryDrift(ctx context.Context, s tier.Stack, t *config.Tier, stage TerraformStage) plan.Result {
	res := plan.Result{Stack: s.Key(), Kind: plan.Terraform, Name: "inventory"}
	outs, err := stage.Outputs(ctx)
	if err != nil {
		res.Err = fmt.Errorf("read the outputs: %w", err)
		return res
	}
	fresh, err := inventory.Build(inventory.BuildInput{Environment: s.Environment, Tier: t.Name, Created: r.now(), Outputs: outs, IncludeSensitive: t.SensitiveOutputs})
	if err != nil {
		res.Err = err
		return res
	}
	stored, err := r.inv.current(ctx, s.Environment)
	if err != nil {
		res.Err = err
		return res
	}
	if stored != nil && stored.SameContent(fresh) {
		return res
	}
	c := inventory.Diff(stored, fresh)
	res.HasChanges = true
	res.Diff = c.Text(inventory.RenderOptions{})
	res.Notes = append(res.Notes, "the stored inventory differs from the current outputs: "+c.Summary())
	// Every form of every secret of both, not only top-level strings.
	res.Secrets = append(inventory.SensitiveLeaves(fresh), inventory.SensitiveLeaves(stored)...)
	res.Fingerprint = plan.Fingerprint(plan.Terraform, c.Keys())
	return res
}

// ErrNoPublisher means no tier publishes the inventory.
var ErrNoPublisher = errors.New("no tier publishes the inventory (publishes_inventory: true)")

// CurrentInventory builds the inventory that the publishing tier's current
// outputs (from its state) would publish in env.
func CurrentInventory(ctx context.Context, d Deps, env, workDir, pluginCacheDir string) (*inventory.Document, error) {
	pub := d.Config.Publisher()
	if pub == nil {
		return nil, ErrNoPublisher
	}
	r := newRun(d, CommandDrift, "", workDir, pluginCacheDir, nil)
	s := tier.Stack{Tier: pub.Name, Environment: env}
	stage, err := r.terraformStage(ctx, s, pub, stagesInput{})
	if err != nil {
		return nil, err
	}
	outs, err := stage.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the outputs of %s: %w", s.Key(), err)
	}
	return inventory.Build(inventory.BuildInput{
		Environment: env, Tier: pub.Name, Created: r.now(), Outputs: outs, IncludeSensitive: pub.SensitiveOutputs,
	})
}
