package gitlab

import (
	"context"
	"fmt"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// UpsertComment keeps one note holding marker on merge request iid (see
// FindComment: only one the token's account wrote counts): it creates the
// note when there is none, updates it when its body
// differs, and otherwise writes nothing, so a re-run with an unchanged
// report costs only the reads that find the note. body gets marker as its
// first line when it does not hold it. A body over 1,000,000 characters is
// not sent: the error is a *scm.TooLargeError.
func (p *Project) UpsertComment(ctx context.Context, iid int, marker, body string) (scm.Result, error) {
	body = scm.WithMarker(marker, body)
	what := fmt.Sprintf("the note on merge request !%d", iid)
	if err := scm.CheckSize(platform, what, body, scm.GitLabBodyLimit); err != nil {
		return scm.Result{}, err
	}
	c, found, err := p.FindComment(ctx, iid, marker)
	if err != nil {
		return scm.Result{}, err
	}
	if found {
		if scm.SameBody(c.Body, body) {
			return scm.Result{Outcome: scm.Unchanged, ID: c.ID, URL: c.URL, Marker: marker}, nil
		}
		n, _, err := p.notes.UpdateMergeRequestNote(p.pid, int64(iid), c.ID, &gl.UpdateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
		if err != nil {
			return scm.Result{}, apiError("update "+what, needReporter, err, body)
		}
		return scm.Result{Outcome: scm.Updated, ID: n.ID, URL: p.noteURL(int64(iid), n.ID), Marker: marker}, nil
	}
	n, _, err := p.notes.CreateMergeRequestNote(p.pid, int64(iid), &gl.CreateMergeRequestNoteOptions{Body: &body}, gl.WithContext(ctx))
	if err != nil {
		return scm.Result{}, apiError("create "+what, needReporter, err, body)
	}
	return scm.Result{Outcome: scm.Created, ID: n.ID, URL: p.noteURL(int64(iid), n.ID), Marker: marker}, nil
}

// FindComment returns the oldest note on merge request iid that the
// token's account wrote with marker as its first line, reading the notes
// oldest first, 100 a page, and stopping at the page that has it. Notes by
// anyone else, and system notes, are never tierdeploy's, whatever they
// hold; the account is asked for only once a note with the marker is seen.
func (p *Project) FindComment(ctx context.Context, iid int, marker string) (scm.Comment, bool, error) {
	orderBy, sort := "created_at", "asc"
	opts := &gl.ListMergeRequestNotesOptions{ListOptions: gl.ListOptions{PerPage: 100}, OrderBy: &orderBy, Sort: &sort}
	for range maxPages {
		ns, resp, err := p.notes.ListMergeRequestNotes(p.pid, int64(iid), opts, gl.WithContext(ctx))
		if err != nil {
			return scm.Comment{}, false, apiError(fmt.Sprintf("list the notes on merge request !%d", iid), needReporter, err, "")
		}
		for _, n := range ns {
			if n.System || !scm.HasMarker(n.Body, marker) {
				continue
			}
			me, err := p.me.get(ctx)
			if err != nil {
				return scm.Comment{}, false, err
			}
			if a := noteAuthor(n.Author); me.Wrote(a) {
				return scm.Comment{ID: n.ID, Body: n.Body, URL: p.noteURL(int64(iid), n.ID), Author: a}, true, nil
			}
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return scm.Comment{}, false, nil
}
