package scm

import (
	"fmt"
	"sort"
	"strings"
)

// Issue is an open issue as a platform lists it.
type Issue struct {
	// Number is the issue number (IID on GitLab).
	Number int64
	Title  string
	Body   string
	URL    string
	// Author opened the issue; SyncIssues considers only the issues its
	// identity opened (Identity.Own).
	Author Author
}

// IssueSpec is an issue that should be open, found again by Marker.
type IssueSpec struct {
	Marker string
	Title  string
	// Body holds Marker (WithMarker adds it when missing).
	Body string
}

// IssueSync is the wanted state of tierdeploy's issues after one run of
// drift detection.
type IssueSync struct {
	// Label marks tierdeploy's issues; only open issues with it are read,
	// and new issues get it.
	Label string
	// Open lists the issues that should be open: one per drifting stack.
	Open []IssueSpec
	// Resolved lists the markers of stacks that were checked and found
	// clean: their open issues get ResolvedComment and are closed. Stacks
	// not checked in this run are in neither list, and their issues are
	// left alone.
	Resolved        []string
	ResolvedComment string
}

// Action is what to do with one issue.
type Action string

// Actions.
const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionKeep   Action = "keep"
	ActionClose  Action = "close"
)

// IssueStep is one step of an issue sync.
type IssueStep struct {
	Action Action
	// Spec is the wanted issue (create, update, keep).
	Spec IssueSpec
	// Issue is the existing issue (update, keep, close).
	Issue Issue
	// Comment is posted before closing.
	Comment string
	// Marker is the marker the step is about.
	Marker string
}

// PlanIssues returns the steps that turn the open issues into the wanted
// state s: create the missing, update the changed (title or body), keep the
// rest, close the resolved ones, and close extra issues that carry the same
// drift marker as an older one, so duplicates from an earlier race go away.
// Steps come in the order of s.Open, then closes by issue number. open
// must hold only the issues tierdeploy's identity opened (Identity.Own): an
// issue someone else opened with the label and a marker is not ours to
// edit or close. A marker counts only as the first line of a body.
func PlanIssues(open []Issue, s IssueSync) []IssueStep {
	byNumber := append([]Issue(nil), open...)
	sort.Slice(byNumber, func(i, j int) bool { return byNumber[i].Number < byNumber[j].Number })

	// The oldest issue holding a marker is the one; later ones are
	// duplicates.
	first := func(marker string) (Issue, bool) {
		for _, is := range byNumber {
			if HasMarker(is.Body, marker) {
				return is, true
			}
		}
		return Issue{}, false
	}

	var steps []IssueStep
	for _, spec := range s.Open {
		spec.Body = WithMarker(spec.Marker, spec.Body)
		is, ok := first(spec.Marker)
		switch {
		case !ok:
			steps = append(steps, IssueStep{Action: ActionCreate, Spec: spec, Marker: spec.Marker})
		case is.Title != spec.Title || !SameBody(is.Body, spec.Body):
			steps = append(steps, IssueStep{Action: ActionUpdate, Spec: spec, Issue: is, Marker: spec.Marker})
		default:
			steps = append(steps, IssueStep{Action: ActionKeep, Spec: spec, Issue: is, Marker: spec.Marker})
		}
	}

	resolved := map[string]bool{}
	for _, m := range s.Resolved {
		resolved[m] = true
	}
	kept := map[string]int64{} // marker -> issue number that stays
	var closes []IssueStep
	for _, is := range byNumber {
		m := issueMarker(is.Body)
		if m == "" {
			continue
		}
		switch {
		case resolved[m]:
			closes = append(closes, IssueStep{Action: ActionClose, Issue: is, Comment: s.ResolvedComment, Marker: m})
		case kept[m] != 0:
			closes = append(closes, IssueStep{Action: ActionClose, Issue: is, Marker: m,
				Comment: fmt.Sprintf("Closed as a duplicate of #%d.", kept[m])})
		default:
			kept[m] = is.Number
		}
	}
	return append(steps, closes...)
}

// issueMarker returns the drift marker that is the first line of body, or
// "".
func issueMarker(body string) string {
	first, _, _ := strings.Cut(body, "\n")
	first = strings.TrimSpace(first)
	if !strings.HasPrefix(first, DriftMarkerPrefix) || !strings.HasSuffix(first, "-->") {
		return ""
	}
	return first
}
