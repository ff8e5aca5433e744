package gitlab

import (
	"context"
	"fmt"
	"slices"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// SyncIssues brings the open issues labelled s.Label that the token's
// account opened to the state s asks (see scm.PlanIssues): it lists them
// once (all pages), creates missing issues with the label, updates changed
// ones, and comments on and closes resolved and duplicate ones. It returns
// one result per step done; on an error it stops and returns the results so
// far (writes included) with it.
func (p *Project) SyncIssues(ctx context.Context, s scm.IssueSync) ([]scm.Result, error) {
	if s.Label == "" {
		return nil, fmt.Errorf("gitlab: sync issues: no label")
	}
	for _, spec := range s.Open {
		if err := scm.CheckSize(platform, "the issue "+spec.Title, scm.WithMarker(spec.Marker, spec.Body), scm.GitLabBodyLimit); err != nil {
			return nil, err
		}
	}
	open, err := p.openIssues(ctx, s.Label)
	if err != nil {
		return nil, err
	}
	if len(open) > 0 {
		me, err := p.me.get(ctx)
		if err != nil {
			return nil, err
		}
		// Anyone may open an issue with the label and a marker; such an
		// issue is never updated, closed or counted as tierdeploy's.
		open = me.Own(open)
	}
	var results []scm.Result
	for _, st := range scm.PlanIssues(open, s) {
		res, err := p.issueStep(ctx, s.Label, st)
		if res.Outcome != "" {
			results = append(results, res)
		}
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

func (p *Project) issueStep(ctx context.Context, label string, st scm.IssueStep) (scm.Result, error) {
	switch st.Action {
	case scm.ActionCreate:
		is, _, err := p.issues.CreateIssue(p.pid, &gl.CreateIssueOptions{
			Title: &st.Spec.Title, Description: &st.Spec.Body, Labels: &gl.LabelOptions{label},
		}, gl.WithContext(ctx))
		if err != nil {
			return scm.Result{}, apiError(fmt.Sprintf("create the issue %q", st.Spec.Title), needReporter, err, st.Spec.Body)
		}
		if !slices.Contains(is.Labels, label) {
			// Without the label the next run would not find the issue and
			// would open another one.
			return scm.Result{Outcome: scm.Created, ID: is.IID, URL: is.WebURL, Marker: st.Marker},
				fmt.Errorf("gitlab: issue #%d was created without the label %q, which GitLab drops when the token's role may not set labels: "+
					"give the token at least the Reporter role, so that later runs find the issue", is.IID, label)
		}
		return scm.Result{Outcome: scm.Created, ID: is.IID, URL: is.WebURL, Marker: st.Marker}, nil
	case scm.ActionUpdate:
		is, _, err := p.issues.UpdateIssue(p.pid, st.Issue.Number, &gl.UpdateIssueOptions{
			Title: &st.Spec.Title, Description: &st.Spec.Body,
		}, gl.WithContext(ctx))
		if err != nil {
			return scm.Result{}, apiError(fmt.Sprintf("update issue #%d", st.Issue.Number), needReporter, err, st.Spec.Body)
		}
		return scm.Result{Outcome: scm.Updated, ID: st.Issue.Number, URL: is.WebURL, Marker: st.Marker}, nil
	case scm.ActionClose:
		if st.Comment != "" {
			if _, _, err := p.notes.CreateIssueNote(p.pid, st.Issue.Number, &gl.CreateIssueNoteOptions{Body: &st.Comment}, gl.WithContext(ctx)); err != nil {
				return scm.Result{}, apiError(fmt.Sprintf("comment on issue #%d", st.Issue.Number), needReporter, err, st.Comment)
			}
		}
		closeEvent := "close"
		if _, _, err := p.issues.UpdateIssue(p.pid, st.Issue.Number, &gl.UpdateIssueOptions{StateEvent: &closeEvent}, gl.WithContext(ctx)); err != nil {
			return scm.Result{}, apiError(fmt.Sprintf("close issue #%d", st.Issue.Number), needReporter, err, "")
		}
		return scm.Result{Outcome: scm.Closed, ID: st.Issue.Number, URL: st.Issue.URL, Marker: st.Marker}, nil
	default:
		return scm.Result{Outcome: scm.Unchanged, ID: st.Issue.Number, URL: st.Issue.URL, Marker: st.Marker}, nil
	}
}

// openIssues lists the open issues with label.
func (p *Project) openIssues(ctx context.Context, label string) ([]scm.Issue, error) {
	state := "opened"
	opts := &gl.ListProjectIssuesOptions{ListOptions: gl.ListOptions{PerPage: 100}, State: &state, Labels: &gl.LabelOptions{label}}
	var out []scm.Issue
	for range maxPages {
		is, resp, err := p.issues.ListProjectIssues(p.pid, opts, gl.WithContext(ctx))
		if err != nil {
			return nil, apiError(fmt.Sprintf("list the open issues labelled %q", label), needReporter, err, "")
		}
		for _, i := range is {
			out = append(out, scm.Issue{Number: i.IID, Title: i.Title, Body: i.Description, URL: i.WebURL, Author: issueAuthor(i.Author)})
		}
		if resp.NextPage <= opts.Page {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}
