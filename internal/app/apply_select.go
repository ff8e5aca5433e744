package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// applySelection returns the stacks to apply: each stack changed since its
// last successful apply (so a failed or skipped run is caught up), or, for a
// stack never applied, selected by detection; stacks whose last apply was
// interrupted; and with --all every stack.
func (a *invocation) applySelection(ctx context.Context, cfg *config.Config, records *applyRecords, o *selectOptions, head string) ([]tier.Stack, error) {
	first, err := a.detect(ctx, cfg, o)
	if err != nil {
		return nil, err
	}
	if o.all {
		return first.Selection.Stacks, nil
	}
	firstBy := map[plan.Stack]tier.Stack{}
	for _, s := range first.Selection.Stacks {
		firstBy[s.Key()] = s
	}
	since := map[string]map[plan.Stack]tier.Stack{} // by last-applied commit
	var out []tier.Stack
	for _, s := range tier.AllStacks(cfg) {
		if !keep(o.tiers, s.Tier) || !keep(o.envs, s.Environment) {
			continue
		}
		st := records.recs[s.Environment].Stacks[s.Tier]
		var reasons []string
		if st.Started != nil {
			reasons = append(reasons, fmt.Sprintf("the apply of %s started %s was interrupted", short(st.Started.Commit), st.Started.At.UTC().Format(time.RFC3339)))
		}
		switch {
		case st.Last == nil:
			if f, ok := firstBy[s.Key()]; ok {
				reasons = append(reasons, f.Reasons...)
			}
		case st.Last.Commit != head:
			sel, ok := since[st.Last.Commit]
			if !ok {
				sel, err = a.selectSince(ctx, cfg, st.Last.Commit, head)
				if err != nil {
					return nil, err
				}
				since[st.Last.Commit] = sel
			}
			if f, ok := sel[s.Key()]; ok {
				for _, r := range f.Reasons {
					reasons = append(reasons, r+" (since the last apply at "+short(st.Last.Commit)+")")
				}
			}
		}
		if len(reasons) > 0 {
			out = append(out, tier.Stack{Tier: s.Tier, Environment: s.Environment, Reasons: reasons})
		}
	}
	return out, nil
}

// selectSince selects the stacks changed between base and head.
func (a *invocation) selectSince(ctx context.Context, cfg *config.Config, base, head string) (map[plan.Stack]tier.Stack, error) {
	d, err := a.detect(ctx, cfg, &selectOptions{base: base, head: head})
	if err != nil {
		return nil, fmt.Errorf("compare with the last apply at %s: %w", short(base), err)
	}
	out := map[plan.Stack]tier.Stack{}
	for _, s := range d.Selection.Stacks {
		out[s.Key()] = s
	}
	return out, nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// applyRecords are the apply records of the environments being applied,
// written back after every change so an interrupted run leaves a trace.
type applyRecords struct {
	store  InventoryStore
	leases *leases
	mu     sync.Mutex
	recs   map[string]*inventory.Applied
}

func (r *applyRecords) update(ctx context.Context, env string, change func(*inventory.Applied)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rec := r.recs[env]
	change(rec)
	if err := r.store.PutApplied(context.WithoutCancel(ctx), r.leases.of(env), rec); err != nil {
		return fmt.Errorf("write the apply record of %s: %w", env, err)
	}
	return nil
}

// reviewedFingerprints reads the fingerprints of the plans reviewed on the
// pull or merge request merged as the head commit.
func (a *invocation) reviewedFingerprints(ctx context.Context, envs []string) (map[string]string, error) {
	s := a.sess
	if s == nil || !s.ci() || s.ev.HeadSHA == "" {
		return nil, usagef("--require-reviewed compares with the report on the merged pull or merge request: run it in CI on the merge commit")
	}
	host, err := s.codeHost(ctx)
	if err != nil {
		return nil, fmt.Errorf("--require-reviewed: %w", err)
	}
	number, found, err := host.MergedChange(ctx, s.ev.HeadSHA)
	if err != nil {
		return nil, fmt.Errorf("--require-reviewed: find the merged pull or merge request of %s: %w", short(s.ev.HeadSHA), err)
	}
	if !found {
		return nil, fmt.Errorf("--require-reviewed: no pull or merge request was merged as %s, so there is no reviewed plan to compare with", short(s.ev.HeadSHA))
	}
	out := map[string]string{}
	for _, e := range envs {
		c, ok, err := host.FindComment(ctx, number, scm.ReportMarker(e))
		if err != nil {
			return nil, fmt.Errorf("--require-reviewed: read the report of %s on #%d: %w", e, number, err)
		}
		if !ok {
			continue
		}
		for k, v := range report.ParseFingerprints(c.Body) {
			out[k] = v
		}
	}
	return out, nil
}
