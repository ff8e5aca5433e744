package report

import (
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

func (m *model) stateIcon(s state) string {
	switch s {
	case failed:
		return "❌"
	case skipped:
		return "⏭️"
	case changed:
		switch m.kind {
		case KindDrift:
			return "⚠️"
		case KindApply:
			return "✅"
		}
		return "📝"
	}
	return "✅"
}

func (m *model) stateWord(s state) string {
	switch s {
	case failed:
		return "failed"
	case skipped:
		return "skipped"
	case changed:
		switch m.kind {
		case KindDrift:
			return "drifted"
		case KindApply:
			return "applied"
		}
		return "changes"
	}
	if m.kind == KindDrift {
		return "in sync"
	}
	return "no changes"
}

// verbs are the words for counts: "3 to add" in a plan, "3 added" after
// apply.
type verbs struct{ add, change, destroy, replace, imp, move, forget string }

func verbsOf(k Kind) verbs {
	if k == KindApply {
		return verbs{"added", "changed", "destroyed", "replaced", "imported", "moved", "forgotten"}
	}
	return verbs{"to add", "to change", "to destroy", "to replace", "to import", "to move", "to forget"}
}

// extras lists the counts beyond add, change and destroy that are nonzero:
// "2 to replace, 1 to import".
func extras(c plan.Counts, k Kind) []string {
	v := verbsOf(k)
	var out []string
	for _, e := range []struct {
		n    int
		verb string
	}{{c.Replace, v.replace}, {c.Import, v.imp}, {c.Move, v.move}, {c.Forget, v.forget}} {
		if e.n > 0 {
			out = append(out, thousands(e.n)+" "+e.verb)
		}
	}
	return out
}

// short is "+3 ~1 -2".
func short(c plan.Counts) string {
	return "+" + thousands(c.Add) + " ~" + thousands(c.Change) + " -" + thousands(c.Destroy)
}

func countsText(c plan.Counts, k Kind) string {
	return strings.Join(append([]string{code(short(c))}, extras(c, k)...), ", ")
}

func countsHTML(c plan.Counts, k Kind) string {
	return strings.Join(append([]string{short(c)}, extras(c, k)...), ", ")
}

// title is the heading of a body: the overall result in words.
func (m *model) title() string {
	stages, stacks, changedStacks, skippedStacks := 0, 0, 0, 0
	anyChange := false
	for _, st := range m.stacks {
		stacks++
		anyChange = anyChange || st.hasChanges
		switch st.state {
		case changed:
			changedStacks++
		case skipped:
			skippedStacks++
		}
		for _, sg := range st.stages {
			if sg.state == failed {
				stages++
			}
		}
	}
	var head string
	switch m.kind {
	case KindApply:
		head = "Apply"
	case KindDrift:
		head = "Drift check"
	default:
		head = "Plan"
	}
	if m.env != "" {
		head += map[Kind]string{KindApply: " to ", KindDrift: " of ", KindPlan: " for "}[m.kind] + code(m.env)
	}
	counts := m.countsWords()
	denied := m.deniedStacks()
	switch {
	case stages == 0 && denied > 0:
		t := "❌ " + head + ": " + plural(denied, "stack", "stacks") + " denied by checks"
		if anyChange {
			t += "; " + counts
		}
		return t
	case stages > 0:
		t := "❌ " + head + ": " + plural(stages, "stage", "stages") + " failed"
		if denied > 0 {
			t += ", " + plural(denied, "stack", "stacks") + " denied by checks"
		}
		switch {
		case m.kind == KindDrift && changedStacks > 0:
			t += "; " + thousands(changedStacks) + " of " + plural(stacks, "stack", "stacks") + " drifted"
		case anyChange:
			t += "; " + counts
		}
		return t
	case m.kind == KindDrift && changedStacks > 0:
		return "⚠️ " + head + ": " + thousands(changedStacks) + " of " + plural(stacks, "stack", "stacks") + " drifted"
	case anyChange:
		return m.stateIcon(changed) + " " + head + ": " + counts
	case stacks > 0 && skippedStacks == stacks:
		return "⏭️ " + head + ": every stack skipped"
	case m.kind == KindDrift:
		return "✅ " + head + ": in sync"
	}
	return "✅ " + head + ": no changes"
}
