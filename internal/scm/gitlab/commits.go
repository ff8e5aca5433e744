package gitlab

import (
	"context"

	gl "gitlab.com/gitlab-org/api/client-go"
)

// MergedChange returns the IID of the merged merge request that commit sha
// belongs to: preferably the one merged as sha (merge commit, squash commit,
// or its head for a fast-forward merge), else any merged one that contains
// it. found is false when no merged merge request has the commit.
func (p *Project) MergedChange(ctx context.Context, sha string) (iid int, found bool, err error) {
	fallback := 0
	page := int64(1)
	for range maxPages {
		mrs, resp, err := p.commits.ListMergeRequestsByCommit(p.pid, sha, gl.WithContext(ctx), gl.WithOffsetPaginationParameters(page))
		if err != nil {
			return 0, false, apiError("list the merge requests of commit "+short(sha), needReporter, err, "")
		}
		for _, mr := range mrs {
			if mr.State != "merged" {
				continue
			}
			if mr.MergeCommitSHA == sha || mr.SquashCommitSHA == sha || mr.SHA == sha {
				return int(mr.IID), true, nil
			}
			if fallback == 0 {
				fallback = int(mr.IID)
			}
		}
		if resp.NextPage <= page {
			break
		}
		page = resp.NextPage
	}
	return fallback, fallback != 0, nil
}
