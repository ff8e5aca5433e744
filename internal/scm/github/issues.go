package github

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v89/github"

	"github.com/tierdeploy/tierdeploy/internal/scm"
)

// SyncIssues brings the open issues labelled s.Label that the token's
// account opened to the state s asks (see scm.PlanIssues): it lists them
// once (all pages), creates missing issues with the label, updates changed
// ones, and comments on and closes resolved and duplicate ones. It returns
// one result per step done; on an error it stops and returns the results so
// far (writes included) with it.
func (r *Repo) SyncIssues(ctx context.Context, s scm.IssueSync) ([]scm.Result, error) {
	if s.Label == "" {
		return nil, fmt.Errorf("github: sync issues: no label")
	}
	for _, spec := range s.Open {
		if err := scm.CheckSize(platform, "the issue "+spec.Title, scm.WithMarker(spec.Marker, spec.Body), scm.GitHubBodyLimit); err != nil {
			return nil, err
		}
	}
	open, err := r.openIssues(ctx, s.Label)
	if err != nil {
		return nil, err
	}
	if open, err = r.own(ctx, open); err != nil {
		return nil, err
	}
	var results []scm.Result
	for _, st := range scm.PlanIssues(open, s) {
		res, err := r.issueStep(ctx, s.Label, st)
		if res.Outcome != "" {
			results = append(results, res)
		}
		if err != nil {
			return results, err
		}
	}
	return results, nil
}

func (r *Repo) issueStep(ctx context.Context, label string, st scm.IssueStep) (scm.Result, error) {
	switch st.Action {
	case scm.ActionCreate:
		is, _, err := r.issues.Create(ctx, r.owner, r.name, &gh.IssueRequest{
			Title: &st.Spec.Title, Body: &st.Spec.Body, Labels: &[]string{label},
		})
		if err != nil {
			return scm.Result{}, apiError("create the issue "+quote(st.Spec.Title), needIssuesWrite, err, st.Spec.Body)
		}
		if !hasLabel(is, label) {
			// Without the label the next run would not find the issue and
			// would open another one.
			return scm.Result{Outcome: scm.Created, ID: int64(is.GetNumber()), URL: is.GetHTMLURL(), Marker: st.Marker},
				fmt.Errorf("github: issue #%d was created without the label %q, which GitHub drops when the token may not set labels: "+
					"create the label in the repository once, or give the token push access, so that later runs find the issue", is.GetNumber(), label)
		}
		return scm.Result{Outcome: scm.Created, ID: int64(is.GetNumber()), URL: is.GetHTMLURL(), Marker: st.Marker}, nil
	case scm.ActionUpdate:
		is, _, err := r.issues.Edit(ctx, r.owner, r.name, int(st.Issue.Number), &gh.IssueRequest{Title: &st.Spec.Title, Body: &st.Spec.Body})
		if err != nil {
			return scm.Result{}, apiError(fmt.Sprintf("update issue #%d", st.Issue.Number), needIssuesWrite, err, st.Spec.Body)
		}
		return scm.Result{Outcome: scm.Updated, ID: st.Issue.Number, URL: is.GetHTMLURL(), Marker: st.Marker}, nil
	case scm.ActionClose:
		if st.Comment != "" {
			if _, _, err := r.issues.CreateComment(ctx, r.owner, r.name, int(st.Issue.Number), &gh.IssueComment{Body: &st.Comment}); err != nil {
				return scm.Result{}, apiError(fmt.Sprintf("comment on issue #%d", st.Issue.Number), needIssuesWrite, err, st.Comment)
			}
		}
		reason := "completed"
		if strings.HasPrefix(st.Comment, "Closed as a duplicate") {
			reason = "not_planned"
		}
		state := "closed"
		if _, _, err := r.issues.Edit(ctx, r.owner, r.name, int(st.Issue.Number), &gh.IssueRequest{State: &state, StateReason: &reason}); err != nil {
			return scm.Result{}, apiError(fmt.Sprintf("close issue #%d", st.Issue.Number), needIssuesWrite, err, "")
		}
		return scm.Result{Outcome: scm.Closed, ID: st.Issue.Number, URL: st.Issue.URL, Marker: st.Marker}, nil
	default:
		return scm.Result{Outcome: scm.Unchanged, ID: st.Issue.Number, URL: st.Issue.URL, Marker: st.Marker}, nil
	}
}

// openIssues lists the open issues with label, leaving out pull requests
// (which the issues API also lists).
func (r *Repo) openIssues(ctx context.Context, label string) ([]scm.Issue, error) {
	opts := &gh.IssueListByRepoOptions{State: "open", Labels: []string{label}, ListOptions: gh.ListOptions{PerPage: 100}}
	var out []scm.Issue
	for range maxPages {
		is, resp, err := r.issues.ListByRepo(ctx, r.owner, r.name, opts)
		if err != nil {
			return nil, apiError("list the open issues labelled "+quote(label), needIssuesWrite, err, "")
		}
		for _, i := range is {
			if i.IsPullRequest() {
				continue
			}
			out = append(out, scm.Issue{Number: int64(i.GetNumber()), Title: i.GetTitle(), Body: i.GetBody(), URL: i.GetHTMLURL(),
				Author: author(i.User, i.PerformedViaGithubApp)})
		}
		// The issues list pages by number or, on some servers, by cursor.
		switch {
		case resp.NextPage > opts.ListOptions.Page:
			opts.ListOptions.Page = resp.NextPage
		case resp.After != "" && resp.After != opts.After:
			opts.After = resp.After
		default:
			return out, nil
		}
	}
	return out, nil
}

// own returns the issues of open that the token's account opened: anyone
// may open an issue with the label and a marker, and such an issue is never
// updated, closed or counted as tierdeploy's. The account is asked for
// only when there is an issue to tell apart.
func (r *Repo) own(ctx context.Context, open []scm.Issue) ([]scm.Issue, error) {
	if len(open) == 0 {
		return nil, nil
	}
	me, err := r.me.get(ctx)
	if err != nil {
		return nil, err
	}
	return me.Own(open), nil
}

func hasLabel(is *gh.Issue, label string) bool {
	for _, l := range is.Labels {
		if strings.EqualFold(l.GetName(), label) {
			return true
		}
	}
	return false
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
