package helm

import (
	"errors"
	"fmt"
	"strings"

	rcommon "helm.sh/helm/v4/pkg/release/common"
	release "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"
)

// history is what the release store holds about a release.
type history struct {
	// last is the latest revision; nil when the release was never
	// installed.
	last *release.Release
	// current is the revision an upgrade replaces: the deployed one, or the
	// latest when it failed or was superseded with none deployed; nil for
	// a first install.
	current *release.Release
	// uninstalled is set when every revision was uninstalled with its
	// history kept: the next deploy is an install that replaces them.
	uninstalled bool
	// superseded is the latest superseded revision, 0 when none.
	superseded int
}

// readHistory reads a release's revisions.
func readHistory(store *storage.Storage, name string) (history, error) {
	rs, err := store.History(name)
	if errors.Is(err, driver.ErrReleaseNotFound) || (err == nil && len(rs) == 0) {
		return history{}, nil
	}
	if err != nil {
		return history{}, fmt.Errorf("read the history of release %s: %w", name, err)
	}
	var revs []*release.Release
	for _, r := range rs {
		switch v := r.(type) {
		case *release.Release:
			revs = append(revs, v)
		case release.Release:
			revs = append(revs, &v)
		default:
			return history{}, fmt.Errorf("release %s: unsupported release record %T", name, r)
		}
	}
	releaseutil.SortByRevision(revs)
	h := history{last: revs[len(revs)-1], uninstalled: true}
	for _, r := range revs {
		st := r.Info.Status
		if st != rcommon.StatusUninstalled {
			h.uninstalled = false
		}
		if st == rcommon.StatusDeployed {
			h.current = r
		}
		if st == rcommon.StatusSuperseded {
			h.superseded = r.Version
		}
	}
	if h.current == nil {
		switch h.last.Info.Status {
		case rcommon.StatusFailed, rcommon.StatusSuperseded:
			h.current = h.last
		}
	}
	return h, nil
}

// rollbackTarget returns the revision to roll a pending release back to:
// the deployed one, else the latest superseded one; 0 when there is none.
func (h history) rollbackTarget() int {
	if h.current != nil && h.current.Version < h.last.Version && h.current.Info.Status == rcommon.StatusDeployed {
		return h.current.Version
	}
	return h.superseded
}

// pending returns a *PendingReleaseError when the latest revision is
// pending, with the command that recovers it.
func (s *Stage) pending(h history) error {
	if h.last == nil || !h.last.Info.Status.IsPending() {
		return nil
	}
	e := &PendingReleaseError{
		Release:   s.rel.Release,
		Namespace: s.ns,
		Status:    h.last.Info.Status.String(),
		Revision:  h.last.Version,
		Since:     h.last.Info.LastDeployed,
	}
	var cmd []string
	if back := h.rollbackTarget(); back > 0 {
		cmd = []string{"helm", "rollback", s.rel.Release, fmt.Sprint(back)}
	} else {
		cmd = []string{"helm", "uninstall", s.rel.Release}
	}
	cmd = append(cmd, "--namespace", s.ns)
	if s.opts.KubeContext != "" {
		cmd = append(cmd, "--kube-context", s.opts.KubeContext)
	}
	e.Recovery = strings.Join(cmd, " ")
	return e
}
