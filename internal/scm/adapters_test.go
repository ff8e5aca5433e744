package scm_test

import (
	"context"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/scm"
	"github.com/tierdeploy/tierdeploy/internal/scm/github"
	"github.com/tierdeploy/tierdeploy/internal/scm/gitlab"
)

// platform is the method set both adapters share, so that a caller can
// declare any subset of it once for both.
type platform interface {
	UpsertComment(ctx context.Context, number int, marker, body string) (scm.Result, error)
	FindComment(ctx context.Context, number int, marker string) (scm.Comment, bool, error)
	ChangedFiles(ctx context.Context, number int) ([]changes.Change, error)
	CompareFiles(ctx context.Context, base, head string) ([]changes.Change, error)
	MergedChange(ctx context.Context, sha string) (int, bool, error)
	SyncIssues(ctx context.Context, s scm.IssueSync) ([]scm.Result, error)
}

var (
	_ platform = (*github.Repo)(nil)
	_ platform = (*gitlab.Project)(nil)
)
