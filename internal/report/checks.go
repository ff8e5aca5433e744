package report

import (
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/check"
)

// findingMax is the longest finding shown, in characters.
const findingMax = 500

// checksModel is what a stack's checks show: a cell for the summary table
// and, in the checks section, a line per failed or warned finding (every
// check in the job summary) with the start of each command's output.
type checksModel struct {
	result check.Result
	// denied is set when a check failed: the stack is not applied.
	denied bool
	// entries are the checks' lines, failures first.
	entries []*checkEntry
}

// checkEntry is one check of a stack, prepared for layout.
type checkEntry struct {
	status check.Status
	// label names the check: "policy `terraform.s3` on terraform `dir`".
	label    string
	findings []string
	output   *block
	// outputNote says how much the command printed beyond what is kept.
	outputNote string
	duration   time.Duration
}

func newChecksModel(r check.Result, tidy func(string) string, ms measure) *checksModel {
	if len(r.Checks) == 0 {
		return nil
	}
	cm := &checksModel{result: r, denied: r.Denied()}
	for _, s := range []check.Status{check.Fail, check.Warn, check.Pass} {
		for _, c := range r.Checks {
			if c.Status != s {
				continue
			}
			e := &checkEntry{status: c.Status, duration: c.Duration, label: checkLabel(c, tidy)}
			for _, f := range c.Findings {
				msg := text(shorten(oneLine(tidy(f.Message)), ms, findingMax))
				if f.Rule != "" {
					msg = code(tidy(f.Rule)) + ": " + msg
				}
				e.findings = append(e.findings, msg)
			}
			if c.Kind == check.Command && c.Status != check.Pass {
				e.output = newBlock("check output", "text", tidy(c.Output.Text), ms)
				if c.Output.Truncated {
					e.outputNote = "It printed " + plural(c.Output.Lines, "line", "lines") + " (" + thousands(int(min(c.Output.Bytes, 1<<40))) + " bytes); the start is shown."
				}
			}
			cm.entries = append(cm.entries, e)
		}
	}
	return cm
}

// addChecks prepares a stack's checks and raises the search bounds to
// cover them. A stack whose checks failed shows as failed, with the
// fingerprint of its plan.
func (m *model) addChecks(st *stackModel, r check.Result, tidy func(string) string) {
	st.checks = newChecksModel(r, tidy, m.ms)
	if st.checks == nil {
		return
	}
	m.maxList = max(m.maxList, st.checks.lines())
	for _, e := range st.checks.entries {
		m.bound(e.output, true)
	}
	if st.checks.denied && st.state != skipped {
		st.state = failed
	}
}

func checkLabel(c check.Check, tidy func(string) string) string {
	what := "check"
	if c.Kind == check.Policy {
		what = "policy"
	}
	return what + " " + code(tidy(c.Name)) + " on " + string(c.StageKind) + " " + code(tidy(c.Stage))
}

// lines is the number of finding lines, for the list limit.
func (cm *checksModel) lines() int {
	n := 0
	for _, e := range cm.entries {
		n += len(e.findings)
	}
	return n
}

// cell returns the summary table's Checks cell: "❌ 1 failed, ⚠️ 1
// warned, 3 passed".
func (cm *checksModel) cell() string {
	if cm == nil {
		return ""
	}
	var parts []string
	icon := "✅"
	for _, s := range []struct {
		status check.Status
		word   string
		icon   string
	}{{check.Fail, "failed", "❌"}, {check.Warn, "warned", "⚠️"}, {check.Pass, "passed", ""}} {
		if n := cm.result.Count(s.status); n > 0 {
			parts = append(parts, thousands(n)+" "+s.word)
			if icon == "✅" && s.icon != "" {
				icon = s.icon
			}
		}
	}
	return icon + " " + strings.Join(parts, ", ")
}

func checkIcon(s check.Status) string {
	switch s {
	case check.Fail:
		return "❌"
	case check.Warn:
		return "⚠️"
	}
	return "✅"
}

// checksView is the checks section.
type checksView struct {
	Items []checkItem
	// More says how many findings the budget left out.
	More string
}

type checkItem struct {
	Line     string
	Findings []string
	Output   *blockView
	Note     string
}

// checksView lays out the checks of every stack: failed and warned ones
// in a comment, every one in the job summary. At most lim.list finding
// lines are shown, and each output is cut to lim.text.
func (m *model) checksView(lim limits, c *cuts) *checksView {
	v := &checksView{}
	left, cut := lim.list, 0
	for _, st := range m.stacks {
		if st.checks == nil {
			continue
		}
		for _, e := range st.checks.entries {
			if e.status == check.Pass && !m.durations {
				continue
			}
			it := checkItem{Line: checkIcon(e.status) + " " + code(st.stack.String()) + " " + e.label + ": " + statusWord(e.status) + m.durationSuffix(e.duration)}
			for _, f := range e.findings {
				if left == 0 {
					cut++
					continue
				}
				it.Findings = append(it.Findings, f)
				left--
			}
			if e.output != nil {
				sh := e.output.toSize(lim.text)
				c.block(sh, st.stack.String()+" "+e.label)
				it.Output = &blockView{Title: "Output", shown: sh, Show: !sh.empty()}
				it.Note = e.outputNote
			}
			v.Items = append(v.Items, it)
		}
	}
	if cut > 0 {
		v.More = "✂️ " + plural(cut, "more finding", "more findings") + " not shown."
		c.items = append(c.items, "check findings: "+thousands(cut)+" left out")
		c.blocks["check findings"] += cut
	}
	if len(v.Items) == 0 {
		return nil
	}
	return v
}

func statusWord(s check.Status) string {
	switch s {
	case check.Fail:
		return "failed"
	case check.Warn:
		return "warned"
	}
	return "passed"
}

// stageFailed reports whether a stage of the stack failed (rather than its
// checks).
func (st *stackModel) stageFailed() bool {
	for _, sg := range st.stages {
		if sg.state == failed {
			return true
		}
	}
	return false
}

// anyChecks reports whether a stack has checks: the table then has a
// Checks column.
func (m *model) anyChecks() bool {
	for _, st := range m.stacks {
		if st.checks != nil {
			return true
		}
	}
	return false
}

// deniedStacks counts the stacks whose checks failed.
func (m *model) deniedStacks() int {
	n := 0
	for _, st := range m.stacks {
		if st.checks != nil && st.checks.denied {
			n++
		}
	}
	return n
}
