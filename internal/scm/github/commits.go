package github

import (
	"context"

	gh "github.com/google/go-github/v89/github"
)

// MergedChange returns the number of the merged pull request that commit
// sha belongs to: preferably the one merged as sha (merge, squash or rebase
// commit), else any merged one that contains it. found is false when no
// merged pull request has the commit, such as a direct push.
func (r *Repo) MergedChange(ctx context.Context, sha string) (number int, found bool, err error) {
	opts := &gh.ListOptions{PerPage: 100}
	fallback := 0
	for range maxPages {
		prs, resp, err := r.pulls.ListPullRequestsWithCommit(ctx, r.owner, r.name, sha, opts)
		if err != nil {
			return 0, false, apiError("list the pull requests of commit "+short(sha), needCommitPulls, err, "")
		}
		for _, pr := range prs {
			if pr.GetMergedAt().IsZero() {
				continue
			}
			if pr.GetMergeCommitSHA() == sha {
				return pr.GetNumber(), true, nil
			}
			if fallback == 0 {
				fallback = pr.GetNumber()
			}
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return fallback, fallback != 0, nil
}
