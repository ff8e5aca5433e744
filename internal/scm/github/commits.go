package github

import (
	"context"

	gh "github.com/google/go-github/v89/github"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// MergedChange returns the number of the merged pull request that commit
// sha belongs to: preferably the one merged as sha (merge, squash or rebase
// commit), else any merged one that contains it. found is false when no
// merged pull request has the commit, such as a direct push.
func (r *Repo) MergedChange(ctx context.Context, sha string) (number int, found bool, err error) {
	pr, err := r.mergedPull(ctx, sha)
	if err != nil || pr == nil {
		return 0, false, err
	}
	return pr.GetNumber(), true, nil
}

// MergedLabels returns the labels of the pull request MergedChange finds,
// sorted; found is false when there is none.
func (r *Repo) MergedLabels(ctx context.Context, sha string) (labels []string, found bool, err error) {
	pr, err := r.mergedPull(ctx, sha)
	if err != nil || pr == nil {
		return nil, false, err
	}
	for _, l := range pr.Labels {
		labels = append(labels, l.GetName())
	}
	return scm.SortLabels(labels), true, nil
}

// mergedPull finds the merged pull request of commit sha (see
// MergedChange); nil when there is none.
func (r *Repo) mergedPull(ctx context.Context, sha string) (*gh.PullRequest, error) {
	opts := &gh.ListOptions{PerPage: 100}
	var fallback *gh.PullRequest
	for range maxPages {
		prs, resp, err := r.pulls.ListPullRequestsWithCommit(ctx, r.owner, r.name, sha, opts)
		if err != nil {
			return nil, apiError("list the pull requests of commit "+short(sha), needCommitPulls, err, "")
		}
		for _, pr := range prs {
			if pr.GetMergedAt().IsZero() {
				continue
			}
			if pr.GetMergeCommitSHA() == sha {
				return pr, nil
			}
			if fallback == nil {
				fallback = pr
			}
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return fallback, nil
}
