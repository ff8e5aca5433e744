package app

import (
	"context"
	"fmt"

	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// firstInputError returns the first error, in stack order, of a failed
// stage whose failure was caused by bad input (see badInput), such as an
// invalid inventory document read from the store; nil when no failure was.
// A run whose stacks failed for bad input exits 3, like a command that
// reads the same document directly (inventory get).
func firstInputError(outcomes []*stackOutcome) error {
	for _, o := range outcomes {
		for _, r := range o.results {
			if r.Err != nil && badInput(r.Err) {
				return r.Err
			}
		}
	}
	return nil
}

// checkStoredInventory reads the published inventory of every environment
// whose selected stacks publish or read it, once (the pipeline keeps it for
// the stages), so that an invalid document stops the run as bad input
// before any stage plans or applies anything. Other read errors are left to
// the stacks that need the document, as before.
func (p *pipeline) checkStoredInventory(ctx context.Context, stacks []tier.Stack) error {
	if p.store == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, s := range stacks {
		t := p.cfg.Tier(s.Tier)
		if seen[s.Environment] || t == nil || !(t.PublishesInventory || consumesInventory(p.cfg, t)) {
			continue
		}
		seen[s.Environment] = true
		if _, err := p.current(ctx, s.Environment); err != nil && badInput(err) {
			return fmt.Errorf("%w: nothing was planned or applied; store a valid document with tierdeploy inventory put --environment %s", err, s.Environment)
		}
	}
	return nil
}
