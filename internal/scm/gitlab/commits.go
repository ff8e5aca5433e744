package gitlab

import (
	"context"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// MergedChange returns the IID of the merged merge request that commit sha
// belongs to: preferably the one merged as sha (merge commit, squash commit,
// or its head for a fast-forward merge), else any merged one that contains
// it. found is false when no merged merge request has the commit.
func (p *Project) MergedChange(ctx context.Context, sha string) (iid int, found bool, err error) {
	mr, err := p.mergedRequest(ctx, sha)
	if err != nil || mr == nil {
		return 0, false, err
	}
	return int(mr.IID), true, nil
}

// MergedLabels returns the labels of the merge request MergedChange finds,
// sorted; found is false when there is none.
func (p *Project) MergedLabels(ctx context.Context, sha string) (labels []string, found bool, err error) {
	mr, err := p.mergedRequest(ctx, sha)
	if err != nil || mr == nil {
		return nil, false, err
	}
	return scm.SortLabels(mr.Labels), true, nil
}

// mergedRequest finds the merged merge request of commit sha (see
// MergedChange); nil when there is none.
func (p *Project) mergedRequest(ctx context.Context, sha string) (*gl.BasicMergeRequest, error) {
	var fallback *gl.BasicMergeRequest
	page := int64(1)
	for range maxPages {
		mrs, resp, err := p.commits.ListMergeRequestsByCommit(p.pid, sha, gl.WithContext(ctx), gl.WithOffsetPaginationParameters(page))
		if err != nil {
			return nil, apiError("list the merge requests of commit "+short(sha), needReporter, err, "")
		}
		for _, mr := range mrs {
			if mr.State != "merged" {
				continue
			}
			if mr.MergeCommitSHA == sha || mr.SquashCommitSHA == sha || mr.SHA == sha {
				return mr, nil
			}
			if fallback == nil {
				fallback = mr
			}
		}
		if resp.NextPage <= page {
			break
		}
		page = resp.NextPage
	}
	return fallback, nil
}
