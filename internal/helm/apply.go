package helm

import (
	"context"
	"fmt"
	"strings"
	"time"

	rcommon "helm.sh/helm/v4/pkg/release/common"
	release "helm.sh/helm/v4/pkg/release/v1"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Apply deploys the release: an upgrade, or an install when the release
// does not exist yet (or only as uninstalled revisions), creating its
// namespace if needed. It waits, up to the release's timeout (default
// DefaultTimeout), for every object to become ready and every Job to
// complete, logging every few seconds what it still waits for; a Job with
// ttlSecondsAfterFinished is waited for on its own, so that the cluster
// removing it once it has finished does not hold the wait (jobwait.go).
// On failure an upgrade is rolled back to the last deployed revision and
// a failed install is uninstalled (Helm's atomic deploy). At most
// max_history revisions (default DefaultMaxHistory) are kept.
//
// Apply always deploys, even when the diff is empty, as helm upgrade does.
// The Result is the diff that was applied, computed just before, as Plan
// computes it, with a note naming the revision deployed (or how the deploy
// failed and what was rolled back). A release left pending by an
// interrupted deploy is never overridden: Apply fails with a
// *PendingReleaseError that says how to recover. An unreachable cluster is
// a *ClusterUnreachableError. A failure returns a Result with Err set and
// the same error.
func (s *Stage) Apply(ctx context.Context) (plan.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	res := s.newResult()
	s.log.InfoContext(ctx, "helm deploy started", "namespace", s.ns, "chart", s.chartSource(), "timeout", s.timeout())
	err := s.apply(ctx, &res)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = fmt.Errorf("helm deploy %s: %w", s.rel.Release, err)
		s.log.ErrorContext(ctx, "helm deploy failed", "duration", res.Duration.Round(time.Millisecond), "error", err)
		return res, res.Err
	}
	s.log.InfoContext(ctx, "helm deploy done", "duration", res.Duration.Round(time.Millisecond),
		"add", res.Counts.Add, "change", res.Counts.Change, "destroy", res.Counts.Destroy)
	return res, nil
}

func (s *Stage) apply(ctx context.Context, res *plan.Result) error {
	c, err := s.cluster(ctx)
	if err != nil {
		return err
	}
	if c.unreachable != nil {
		return s.unreachable(c.unreachable)
	}
	in, err := s.inputs(ctx)
	if err != nil {
		return err
	}
	if len(s.placeholders) > 0 {
		paths := make([]string, len(s.placeholders))
		for i, p := range s.placeholders {
			paths[i] = p.path
		}
		return fmt.Errorf("inventory_values %s: the inventory values are known only after the infrastructure is applied; "+
			"a deploy needs them", strings.Join(paths, ", "))
	}
	res.Secrets = append(res.Secrets, in.sensitive...)
	r, err := s.render(ctx, c, in, false)
	if err != nil {
		return err
	}
	if err := s.compare(res, c, r, in.sensitive); err != nil {
		return err
	}
	res.Notes = append(res.Notes[:0], maskAll(in.sensitive, s.setNotes())...)
	replaced, err := s.replaceJobs(ctx, c, r)
	if err != nil {
		return err
	}
	res.Notes = append(res.Notes, replaced...)

	// The dry run changed the chart: deploy a fresh copy.
	in, err = s.inputs(ctx)
	if err != nil {
		return err
	}
	what := "upgrade"
	if r.install {
		what = "install"
	}
	stop := s.reportProgress(ctx, what, s.timeout())
	rel, err := s.deploy(ctx, c, r.install, r.hist.uninstalled, in)
	stop()
	if err != nil {
		if note := s.afterFailure(c, what, r.hist); note != "" {
			res.Notes = append(res.Notes, note)
		}
		return err
	}
	res.Notes = append(res.Notes, fmt.Sprintf("%s: revision %d deployed", what, rel.Version))
	if !s.deployOpts.Wait {
		res.Notes = append(res.Notes, "wait: false: the deploy did not wait for the objects to become ready")
	}
	return nil
}

// deploy runs the install or the upgrade.
func (s *Stage) deploy(ctx context.Context, c *cluster, install, replace bool, in inputs) (*release.Release, error) {
	var (
		out any
		err error
	)
	set := actionSettings{run: deployRun, replace: replace}
	defer withTTLJobWait(c.cfg, s.jobWaited)()
	if install {
		out, err = s.installAction(ctx, c.cfg, set).RunWithContext(ctx, in.chart, in.vals)
	} else {
		out, err = s.upgradeAction(ctx, c.cfg, set).RunWithContext(ctx, s.rel.Release, in.chart, in.vals)
	}
	if err != nil {
		return nil, err
	}
	rel, ok := out.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("unexpected release type %T", out)
	}
	return rel, nil
}

// afterFailure reads the history after a failed deploy and says what
// became of the release.
func (s *Stage) afterFailure(c *cluster, what string, before history) string {
	h, err := readHistory(c.cfg.Releases, s.rel.Release)
	if err != nil {
		return ""
	}
	switch {
	case h.last == nil || h.uninstalled:
		return what + " failed: the release was uninstalled"
	case h.last.Info.Status == rcommon.StatusDeployed && before.last != nil && h.last.Version > before.last.Version:
		back := h.last.Version
		if h.last.Info.RollbackRevision != 0 {
			back = h.last.Info.RollbackRevision
		}
		return fmt.Sprintf("%s failed: rolled back to revision %d (now revision %d)", what, back, h.last.Version)
	default:
		return fmt.Sprintf("%s failed: the release is %s at revision %d", what, h.last.Info.Status, h.last.Version)
	}
}
