package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v89/github"

	"github.com/tierdeploy/tierdeploy/internal/changes"
	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// API limits on file lists.
const (
	// pullFilesLimit is the most files "list pull request files" returns.
	pullFilesLimit = 3000
	// compareFilesLimit is the most files "compare two commits" returns.
	compareFilesLimit = 300
)

// ChangedFiles lists the files pull request number changes, for when the
// local git history is missing. GitHub lists at most 3,000 files: at that
// count the list is returned together with a *scm.IncompleteError.
func (r *Repo) ChangedFiles(ctx context.Context, number int) ([]changes.Change, error) {
	var out []changes.Change
	opts := &gh.ListOptions{PerPage: 100}
	for range maxPages {
		fs, resp, err := r.pulls.ListFiles(ctx, r.owner, r.name, number, opts)
		if err != nil {
			return nil, apiError(fmt.Sprintf("list the files of pull request #%d", number), needPullRead, err, "")
		}
		for _, f := range fs {
			out = append(out, change(f))
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(out) >= pullFilesLimit {
		return out, &scm.IncompleteError{Platform: platform, What: fmt.Sprintf("the file list of pull request #%d", number), Got: len(out), Limit: pullFilesLimit}
	}
	return out, nil
}

// CompareFiles lists the files changed between base and head (three-dot: from
// their merge base), for a push whose history is missing locally. GitHub
// lists at most 300 files: at that count the list is returned together with
// a *scm.IncompleteError.
func (r *Repo) CompareFiles(ctx context.Context, base, head string) ([]changes.Change, error) {
	cmp, _, err := r.compare.CompareCommits(ctx, r.owner, r.name, base, head, &gh.ListOptions{PerPage: 1})
	if err != nil {
		return nil, apiError(fmt.Sprintf("compare %s...%s", short(base), short(head)), needContents, err, "")
	}
	out := make([]changes.Change, 0, len(cmp.Files))
	for _, f := range cmp.Files {
		out = append(out, change(f))
	}
	if len(out) >= compareFilesLimit {
		return out, &scm.IncompleteError{Platform: platform, What: fmt.Sprintf("the comparison %s...%s", short(base), short(head)), Got: len(out), Limit: compareFilesLimit}
	}
	return out, nil
}

// change maps a GitHub file status to a changes.Change.
func change(f *gh.CommitFile) changes.Change {
	c := changes.Change{Status: changes.Modified, Path: f.GetFilename()}
	switch f.GetStatus() {
	case "added":
		c.Status = changes.Added
	case "removed":
		c.Status = changes.Deleted
	case "renamed":
		c.Status, c.OldPath = changes.Renamed, f.GetPreviousFilename()
	case "copied":
		c.Status, c.OldPath = changes.Copied, f.GetPreviousFilename()
	}
	return c
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
