package github

import (
	"context"

	gh "github.com/google/go-github/v89/github"
)

// commentsAPI is the part of the issues service that pull request comments
// need.
type commentsAPI interface {
	ListComments(ctx context.Context, owner, repo string, number int, opts *gh.IssueListCommentsOptions) ([]*gh.IssueComment, *gh.Response, error)
	CreateComment(ctx context.Context, owner, repo string, number int, body *gh.IssueComment) (*gh.IssueComment, *gh.Response, error)
	EditComment(ctx context.Context, owner, repo string, commentID int64, body *gh.IssueComment) (*gh.IssueComment, *gh.Response, error)
}

// issuesAPI is the part of the issues service that drift issues need.
type issuesAPI interface {
	ListByRepo(ctx context.Context, owner, repo string, opts *gh.IssueListByRepoOptions) ([]*gh.Issue, *gh.Response, error)
	Create(ctx context.Context, owner, repo string, body *gh.IssueRequest) (*gh.Issue, *gh.Response, error)
	Edit(ctx context.Context, owner, repo string, number int, body *gh.IssueRequest) (*gh.Issue, *gh.Response, error)
	CreateComment(ctx context.Context, owner, repo string, number int, body *gh.IssueComment) (*gh.IssueComment, *gh.Response, error)
}

// pullsAPI lists a pull request's files and the pull requests of a commit.
type pullsAPI interface {
	ListFiles(ctx context.Context, owner, repo string, number int, opts *gh.ListOptions) ([]*gh.CommitFile, *gh.Response, error)
	ListPullRequestsWithCommit(ctx context.Context, owner, repo, sha string, opts *gh.ListOptions) ([]*gh.PullRequest, *gh.Response, error)
}

// usersAPI reads the authenticated account.
type usersAPI interface {
	Get(ctx context.Context, user string) (*gh.User, *gh.Response, error)
}

// compareAPI compares two commits.
type compareAPI interface {
	CompareCommits(ctx context.Context, owner, repo, base, head string, opts *gh.ListOptions) (*gh.CommitsComparison, *gh.Response, error)
}

var (
	_ commentsAPI = (*gh.IssuesService)(nil)
	_ issuesAPI   = (*gh.IssuesService)(nil)
	_ pullsAPI    = (*gh.PullRequestsService)(nil)
	_ compareAPI  = (*gh.RepositoriesService)(nil)
	_ usersAPI    = (*gh.UsersService)(nil)
)
