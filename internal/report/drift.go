package report

import (
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Drift is what a drift check reports: a summary of every stack and one
// issue per drifted stack.
type Drift struct {
	// Summary is a short body (title and table, no marker) that lists every
	// stack's state: in sync, drifted, failed or skipped. It suits the job
	// summary or a notification.
	Summary Rendered
	// Issues holds one issue per drifted stack, in input order. A stack that
	// failed gets none: whether it drifted is not known.
	Issues []Issue
	// InSync lists the stacks found in sync, whose drift issues can be
	// closed. Failed and skipped stacks are in neither list.
	InSync []plan.Stack
}

// Issue is the drift issue of one stack.
type Issue struct {
	Stack plan.Stack
	// Marker is DriftMarker(Stack); Body starts with it.
	Marker string
	// Title is the issue title, plain text.
	Title string
	Rendered
}

// RenderDrift renders the results of a drift check (in.Kind is ignored).
// Each issue body is laid out like a plan comment for its stack alone, with
// the stack's fingerprint, so an unchanged drift renders the same body and
// the issue need not be updated. Every body fits in.Budget.
func RenderDrift(in Input) (Drift, error) {
	in.Kind = KindDrift
	m, err := newModel(in, false)
	if err != nil {
		return Drift{}, err
	}
	var d Drift
	d.Summary, err = m.fit(layout{title: m.title()}, in.Budget, measure{})
	if err != nil {
		return Drift{}, err
	}
	for i, st := range m.stacks {
		switch st.state {
		case changed:
		case clean:
			d.InSync = append(d.InSync, st.stack)
			continue
		default:
			continue
		}
		one := in
		one.Environment = st.stack.Environment
		one.Stacks = []StackReport{in.Stacks[i]}
		one.Inventory = nil
		im, err := newModel(one, false)
		if err != nil {
			return Drift{}, err
		}
		title := "⚠️ Drift in " + code(st.stack.String()) + ": " + im.countsWords()
		body, err := im.fit(layout{marker: DriftMarker(st.stack), title: title, sections: true, footer: true}, in.Budget, measure{})
		if err != nil {
			return Drift{}, err
		}
		d.Issues = append(d.Issues, Issue{Stack: st.stack, Marker: DriftMarker(st.stack),
			Title: "Drift in " + st.stack.String(), Rendered: body})
	}
	return d, nil
}

// countsWords sums the model's counts in words: "2 to add, 1 to change, 0
// to destroy".
func (m *model) countsWords() string {
	var total plan.Counts
	for _, st := range m.stacks {
		if st.counted() {
			total = total.Plus(st.counts)
		}
	}
	if total.Total() == 0 {
		return "output changes only"
	}
	v := verbsOf(m.kind)
	return strings.Join(append([]string{
		thousands(total.Add) + " " + v.add, thousands(total.Change) + " " + v.change,
		thousands(total.Destroy) + " " + v.destroy}, extras(total, m.kind)...), ", ")
}
