package gitlab

import (
	gl "gitlab.com/gitlab-org/api/client-go"
)

// notesAPI is the part of the notes service that merge request notes and
// issue comments need.
type notesAPI interface {
	ListMergeRequestNotes(pid any, mergeRequest int64, opt *gl.ListMergeRequestNotesOptions, options ...gl.RequestOptionFunc) ([]*gl.Note, *gl.Response, error)
	CreateMergeRequestNote(pid any, mergeRequest int64, opt *gl.CreateMergeRequestNoteOptions, options ...gl.RequestOptionFunc) (*gl.Note, *gl.Response, error)
	UpdateMergeRequestNote(pid any, mergeRequest, note int64, opt *gl.UpdateMergeRequestNoteOptions, options ...gl.RequestOptionFunc) (*gl.Note, *gl.Response, error)
	CreateIssueNote(pid any, issue int64, opt *gl.CreateIssueNoteOptions, options ...gl.RequestOptionFunc) (*gl.Note, *gl.Response, error)
}

// diffsAPI lists a merge request's diffs.
type diffsAPI interface {
	ListMergeRequestDiffs(pid any, mergeRequest int64, opt *gl.ListMergeRequestDiffsOptions, options ...gl.RequestOptionFunc) ([]*gl.MergeRequestDiff, *gl.Response, error)
}

// commitsAPI lists the merge requests of a commit.
type commitsAPI interface {
	ListMergeRequestsByCommit(pid any, sha string, options ...gl.RequestOptionFunc) ([]*gl.BasicMergeRequest, *gl.Response, error)
}

// compareAPI compares two commits.
type compareAPI interface {
	Compare(pid any, opt *gl.CompareOptions, options ...gl.RequestOptionFunc) (*gl.Compare, *gl.Response, error)
}

// usersAPI reads the account the token acts as.
type usersAPI interface {
	CurrentUser(options ...gl.RequestOptionFunc) (*gl.User, *gl.Response, error)
}

// issuesAPI is the part of the issues service that drift issues need.
type issuesAPI interface {
	ListProjectIssues(pid any, opt *gl.ListProjectIssuesOptions, options ...gl.RequestOptionFunc) ([]*gl.Issue, *gl.Response, error)
	CreateIssue(pid any, opt *gl.CreateIssueOptions, options ...gl.RequestOptionFunc) (*gl.Issue, *gl.Response, error)
	UpdateIssue(pid any, issue int64, opt *gl.UpdateIssueOptions, options ...gl.RequestOptionFunc) (*gl.Issue, *gl.Response, error)
}

var (
	_ notesAPI   = (*gl.NotesService)(nil)
	_ diffsAPI   = (*gl.MergeRequestsService)(nil)
	_ commitsAPI = (*gl.CommitsService)(nil)
	_ compareAPI = (*gl.RepositoriesService)(nil)
	_ issuesAPI  = (*gl.IssuesService)(nil)
	_ usersAPI   = (*gl.UsersService)(nil)
)
