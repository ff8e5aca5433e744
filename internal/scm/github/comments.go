package github

import (
	"context"
	"fmt"

	gh "github.com/google/go-github/v89/github"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// UpsertComment keeps one comment holding marker on pull request number
// (see FindComment: only one the token's account wrote counts): it creates
// the comment when there is none, updates it when its
// body differs, and otherwise writes nothing, so a re-run with an unchanged
// report costs only the reads that find the comment. body gets marker as
// its first line when it does not hold it. A body over 65,536 characters is
// not sent: the error is a *scm.TooLargeError.
func (r *Repo) UpsertComment(ctx context.Context, number int, marker, body string) (scm.Result, error) {
	body = scm.WithMarker(marker, body)
	what := fmt.Sprintf("the comment on pull request #%d", number)
	if err := scm.CheckSize(platform, what, body, scm.GitHubBodyLimit); err != nil {
		return scm.Result{}, err
	}
	c, found, err := r.FindComment(ctx, number, marker)
	if err != nil {
		return scm.Result{}, err
	}
	if found {
		if scm.SameBody(c.Body, body) {
			return scm.Result{Outcome: scm.Unchanged, ID: c.ID, URL: c.URL, Marker: marker}, nil
		}
		ic, _, err := r.comments.EditComment(ctx, r.owner, r.name, c.ID, &gh.IssueComment{Body: &body})
		if err != nil {
			return scm.Result{}, apiError("update "+what, needPullWrite, err, body)
		}
		return scm.Result{Outcome: scm.Updated, ID: ic.GetID(), URL: ic.GetHTMLURL(), Marker: marker}, nil
	}
	ic, _, err := r.comments.CreateComment(ctx, r.owner, r.name, number, &gh.IssueComment{Body: &body})
	if err != nil {
		return scm.Result{}, apiError("create "+what, needPullWrite, err, body)
	}
	return scm.Result{Outcome: scm.Created, ID: ic.GetID(), URL: ic.GetHTMLURL(), Marker: marker}, nil
}

// FindComment returns the first comment on pull request number that the
// token's account wrote with marker as its first line, reading the comments
// page by page (100 a page) and stopping at the page that has it. Comments
// by anyone else are never tierdeploy's, whatever they hold; the account is
// asked for (see identity) only once a comment with the marker is seen.
func (r *Repo) FindComment(ctx context.Context, number int, marker string) (scm.Comment, bool, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	for range maxPages {
		cs, resp, err := r.comments.ListComments(ctx, r.owner, r.name, number, opts)
		if err != nil {
			return scm.Comment{}, false, apiError(fmt.Sprintf("list the comments on pull request #%d", number), needPullWrite, err, "")
		}
		for _, c := range cs {
			if !scm.HasMarker(c.GetBody(), marker) {
				continue
			}
			me, err := r.me.get(ctx)
			if err != nil {
				return scm.Comment{}, false, err
			}
			if a := author(c.User, nil); me.Wrote(a) {
				return scm.Comment{ID: c.GetID(), Body: c.GetBody(), URL: c.GetHTMLURL(), Author: a}, true, nil
			}
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return scm.Comment{}, false, nil
}
