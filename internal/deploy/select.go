package deploy

import (
	"context"
	"fmt"
	"slices"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/report"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// selectStacks returns the stacks to apply: each stack changed since its
// last successful apply (so a failed or skipped run is caught up); for a
// stack never applied, one detection selected or --tier names; stacks whose
// last apply was interrupted; with All, the detected ones. It also returns
// the never-applied stacks it left out.
func (a *Apply) selectStacks(ctx context.Context, recs map[string]*inventory.Applied) ([]tier.Stack, []plan.Stack, error) {
	if a.All {
		return a.Detected, nil, nil
	}
	detected := map[plan.Stack]tier.Stack{}
	for _, s := range a.Detected {
		detected[s.Key()] = s
	}
	since := map[string]map[plan.Stack]tier.Stack{} // by last-applied commit
	var out []tier.Stack
	var never []plan.Stack
	for _, s := range tier.AllStacks(a.Config) {
		if !keep(a.Tiers, s.Tier) || !slices.Contains(a.Environments, s.Environment) {
			continue
		}
		st := recs[s.Environment].Stacks[s.Tier]
		var reasons []tier.Reason
		if st.Started != nil {
			reasons = append(reasons, tier.Reason{Kind: tier.Interrupted, Commit: st.Started.Commit, At: st.Started.At})
		}
		switch {
		case st.Last == nil:
			if d, ok := detected[s.Key()]; ok {
				reasons = append(reasons, d.Reasons...)
			} else if slices.Contains(a.Tiers, s.Tier) {
				reasons = append(reasons, tier.Reason{Kind: tier.NeverApplied})
			} else if len(reasons) == 0 {
				never = append(never, s.Key())
			}
		case st.Last.Commit != a.Commit:
			sel, ok := since[st.Last.Commit]
			if !ok {
				var err error
				if sel, err = a.changedSince(ctx, st.Last.Commit); err != nil {
					return nil, nil, err
				}
				since[st.Last.Commit] = sel
			}
			if d, ok := sel[s.Key()]; ok {
				for _, r := range d.Reasons {
					r.Since = st.Last.Commit
					reasons = append(reasons, r)
				}
			}
		}
		if len(reasons) > 0 {
			out = append(out, tier.Stack{Tier: s.Tier, Environment: s.Environment, Reasons: reasons})
		}
	}
	return out, never, nil
}

// changedSince selects the stacks changed between base and the applied
// commit.
func (a *Apply) changedSince(ctx context.Context, base string) (map[plan.Stack]tier.Stack, error) {
	stacks, err := a.Detector.Detect(ctx, base, a.Commit)
	if err != nil {
		return nil, fmt.Errorf("compare with the last apply at %s: %w", tier.Short(base), err)
	}
	out := map[plan.Stack]tier.Stack{}
	for _, s := range stacks {
		out[s.Key()] = s
	}
	return out, nil
}

// keep reports whether name passes a filter; an empty filter keeps all.
func keep(filter []string, name string) bool {
	return len(filter) == 0 || slices.Contains(filter, name)
}

// reviewedFingerprints reads the fingerprints of the plans reviewed on the
// pull or merge request merged as ReviewedCommit.
func (a *Apply) reviewedFingerprints(ctx context.Context) (map[string]string, error) {
	sha := a.ReviewedCommit
	if a.Host == nil || sha == "" {
		return nil, &ReviewError{Msg: "it compares with the report on the merged pull or merge request: run it in CI on the merge commit"}
	}
	number, found, err := a.Host.MergedChange(ctx, sha)
	if err != nil {
		return nil, &ReviewError{Msg: "find the merged pull or merge request of " + tier.Short(sha), Err: err}
	}
	if !found {
		return nil, &ReviewError{Msg: fmt.Sprintf("no pull or merge request was merged as %s, so there is no reviewed plan to compare with", tier.Short(sha))}
	}
	out := map[string]string{}
	for _, e := range a.Environments {
		c, ok, err := a.Host.FindComment(ctx, number, scm.ReportMarker(e))
		if err != nil {
			return nil, &ReviewError{Msg: fmt.Sprintf("read the report of %s on #%d", e, number), Err: err}
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
