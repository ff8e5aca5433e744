package gitlab

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// diffFilesLimit is GitLab's default limit of files in a diff; a merge
// request or comparison over it returns limited results.
const diffFilesLimit = 1000

// ChangedFiles lists the files merge request iid changes, for when the local
// git history is missing. At GitLab's diff limit (1,000 files by default)
// the list is returned together with a *scm.IncompleteError.
func (p *Project) ChangedFiles(ctx context.Context, iid int) ([]changes.Change, error) {
	var out []changes.Change
	opts := &gl.ListMergeRequestDiffsOptions{ListOptions: gl.ListOptions{PerPage: 100}}
	for range maxPages {
		ds, resp, err := p.diffs.ListMergeRequestDiffs(p.pid, int64(iid), opts, gl.WithContext(ctx))
		if err != nil {
			return nil, apiError(fmt.Sprintf("list the diffs of merge request !%d", iid), needReporter, err, "")
		}
		for _, d := range ds {
			out = append(out, change(d.OldPath, d.NewPath, d.NewFile, d.DeletedFile, d.RenamedFile))
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(out) >= diffFilesLimit {
		return out, &scm.IncompleteError{Platform: platform, What: fmt.Sprintf("the file list of merge request !%d", iid), Got: len(out), Limit: diffFilesLimit}
	}
	return out, nil
}

// CompareFiles lists the files changed between base and head (from their
// merge base), for a push whose history is missing locally. At GitLab's diff
// limit, or when the comparison timed out, the list is returned together
// with a *scm.IncompleteError.
func (p *Project) CompareFiles(ctx context.Context, base, head string) ([]changes.Change, error) {
	straight := false
	cmp, _, err := p.compare.Compare(p.pid, &gl.CompareOptions{From: &base, To: &head, Straight: &straight}, gl.WithContext(ctx))
	if err != nil {
		return nil, apiError(fmt.Sprintf("compare %s...%s", short(base), short(head)), needReporter, err, "")
	}
	out := make([]changes.Change, 0, len(cmp.Diffs))
	for _, d := range cmp.Diffs {
		out = append(out, change(d.OldPath, d.NewPath, d.NewFile, d.DeletedFile, d.RenamedFile))
	}
	if len(out) >= diffFilesLimit || cmp.CompareTimeout {
		return out, &scm.IncompleteError{Platform: platform, What: fmt.Sprintf("the comparison %s...%s", short(base), short(head)), Got: len(out), Limit: diffFilesLimit}
	}
	return out, nil
}

func change(oldPath, newPath string, added, deleted, renamed bool) changes.Change {
	switch {
	case added:
		return changes.Change{Status: changes.Added, Path: newPath}
	case deleted:
		return changes.Change{Status: changes.Deleted, Path: oldPath}
	case renamed:
		return changes.Change{Status: changes.Renamed, Path: newPath, OldPath: oldPath}
	default:
		return changes.Change{Status: changes.Modified, Path: newPath}
	}
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
