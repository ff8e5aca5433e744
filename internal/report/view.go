package report

import (
	"sort"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// limits say how much of a model a layout shows; a negative limit shows
// everything.
type limits struct {
	// text is the largest size of each plan or error text.
	text int
	// list is the largest number of lines of each resource, output and
	// inventory list.
	list int
	// sections is the number of stages shown, the most important first.
	sections int
	// rows is the number of stacks in the summary table.
	rows int
	// prints is the number of stack fingerprints in the footer.
	prints int
	// tools is the number of stacks whose Terraform release the footer
	// names (one entry names it for all when they agree).
	tools int
}

var unlimited = limits{-1, -1, -1, -1, -1, -1}

// layout is the fixed frame of a body.
type layout struct {
	marker, title string
	// sections shows stage sections and the inventory; footer the commit
	// and fingerprints.
	sections, footer bool
}

// page is what the template renders.
type page struct {
	Marker, Title string
	CutNote       string
	Durations     bool
	Rows          []row
	RowsMore      string
	Stacks        []stackView
	StacksMore    string
	Inventory     *inventoryView
	Footer        bool
	FooterLine    string
	Hidden        []string

	// ChecksColumn adds the Checks column; Checks is the checks section.
	ChecksColumn bool
	Checks       *checksView
}

type row struct{ Stack, Result, Changes, Checks, Duration string }

type stackView struct {
	Heading, Reasons string
	Stages           []stageView
	More             string
}

type stageView struct {
	// Lines are one-line entries of stages without details (no changes,
	// skipped, everything cut), consecutive ones merged; otherwise Summary
	// and the blocks are shown.
	Lines   []string
	Open    bool
	Summary string
	Notes   []string
	Blocks  []blockView
}

type blockView struct {
	Title string
	shown
	Show bool
}

type inventoryView struct {
	Heading string
	Skipped string
	Block   *blockView
}

// page lays the model out within the limits.
func (m *model) page(lo layout, lim limits) (*page, *cuts) {
	c := &cuts{blocks: map[string]int{}}
	p := &page{Marker: lo.marker, Title: lo.title, Durations: m.durations}

	for _, st := range m.stacks {
		if lim.rows >= 0 && st.rank >= lim.rows {
			c.rows++
			continue
		}
		p.Rows = append(p.Rows, m.row(st))
	}
	if c.rows > 0 {
		p.RowsMore = plural(c.rows, "more stack", "more stacks") + " not shown"
		c.items = append(c.items, "summary table: "+thousands(c.rows)+" of "+plural(len(m.stacks), "stack", "stacks")+" left out")
	}

	p.ChecksColumn = m.anyChecks()
	if lo.sections {
		p.Checks = m.checksView(lim, c)
		for _, st := range m.stacks {
			if !st.detailed() {
				continue
			}
			sv := stackView{Heading: m.stateIcon(st.state) + " " + code(st.stack.String()), Reasons: reasons(st.reasons)}
			hidden := 0
			for _, sg := range st.stages {
				if lim.sections >= 0 && sg.rank >= lim.sections {
					hidden++
					continue
				}
				sv.Stages = append(sv.Stages, m.stage(sg, lim, c))
			}
			c.stages += hidden
			if len(sv.Stages) == 0 {
				c.stacksLeft++
				continue
			}
			sv.Stages = mergeLines(sv.Stages)
			if hidden > 0 {
				sv.More = "✂️ " + plural(hidden, "more stage", "more stages") + " not shown."
			}
			p.Stacks = append(p.Stacks, sv)
		}
		if c.stacksLeft > 0 {
			p.StacksMore = "✂️ The sections of " + plural(c.stacksLeft, "more stack", "more stacks") + " are not shown."
		}
		if c.stages > 0 {
			c.items = append(c.items, "stage sections: "+thousands(c.stages)+" of "+plural(len(m.stages), "stage", "stages")+" left out")
		}
		if m.inv != nil {
			iv := &inventoryView{Heading: "Inventory change", Skipped: text(m.inv.skipped)}
			if m.kind == KindPlan {
				iv.Heading = "Predicted inventory change"
			}
			if m.inv.lines != nil {
				sh := m.inv.lines.toLines(lim.list)
				c.block(sh, "the inventory")
				iv.Block = &blockView{shown: sh, Show: !sh.empty()}
			}
			p.Inventory = iv
		}
	}

	if lo.footer {
		var parts, prints []string
		if m.commit != "" {
			parts = append(parts, "Commit "+htmlCode(m.commit))
		}
		if tools := m.toolsPart(lim, c); tools != "" {
			parts = append(parts, tools)
		}
		for _, st := range m.stacks {
			if lim.prints >= 0 && st.rank >= lim.prints {
				c.prints++
				continue
			}
			name := st.stack.String()
			prints = append(prints, htmlCode(name)+" "+htmlCode(st.fingerprint))
			p.Hidden = append(p.Hidden, fingerprintLine(name, st.fingerprint))
		}
		if c.prints > 0 {
			prints = append(prints, plural(c.prints, "more stack", "more stacks")+" not shown")
			c.items = append(c.items, "fingerprints: "+thousands(c.prints)+" of "+plural(len(m.stacks), "stack", "stacks")+" left out")
		}
		if len(prints) > 0 {
			parts = append(parts, "Fingerprints: "+strings.Join(prints, ", "))
		}
		p.Footer = len(parts) > 0
		p.FooterLine = strings.Join(parts, " · ")
	}
	p.CutNote = m.cutNote(c)
	return p, c
}

// toolsPart names the Terraform or OpenTofu release of the stacks for the
// footer: once when every stack that ran one ran the same, else per stack,
// the most important first, as many as lim.tools allows.
func (m *model) toolsPart(lim limits, c *cuts) string {
	var with []*stackModel
	for _, st := range m.stacks {
		if st.tool != "" {
			with = append(with, st)
		}
	}
	if len(with) == 0 {
		return ""
	}
	same := true
	for _, st := range with {
		same = same && st.tool == with[0].tool
	}
	if same {
		if lim.tools == 0 {
			c.tools++
			c.items = append(c.items, "Terraform version: left out")
			return ""
		}
		return "Terraform: " + htmlCode(with[0].tool)
	}
	sort.SliceStable(with, func(i, j int) bool { return with[i].rank < with[j].rank })
	var entries []string
	for _, st := range with {
		if lim.tools >= 0 && len(entries) >= lim.tools {
			break
		}
		entries = append(entries, htmlCode(st.stack.String())+" "+htmlCode(st.tool))
	}
	if left := len(with) - len(entries); left > 0 {
		c.tools += left
		c.items = append(c.items, "Terraform versions: "+thousands(left)+" of "+plural(len(with), "stack", "stacks")+" left out")
		if len(entries) == 0 {
			return ""
		}
		entries = append(entries, plural(left, "more stack", "more stacks")+" not shown")
	}
	return "Terraform: " + strings.Join(entries, ", ")
}

// mergeLines joins consecutive one-line stages into one list.
func mergeLines(ss []stageView) []stageView {
	out := ss[:0]
	for _, s := range ss {
		if len(s.Lines) > 0 && len(out) > 0 && len(out[len(out)-1].Lines) > 0 {
			out[len(out)-1].Lines = append(out[len(out)-1].Lines, s.Lines...)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (m *model) row(st *stackModel) row {
	r := row{Stack: cellCode(st.stack.String()), Result: m.stateIcon(st.state) + " " + m.stateWord(st.state)}
	switch {
	case st.skipped != "":
		r.Changes = text(st.skipped)
	case st.state == failed && !st.stageFailed():
		r.Result = m.stateIcon(failed) + " denied by checks"
		if st.hasChanges || st.counts.Total() > 0 {
			r.Changes = countsText(st.counts, m.kind)
		}
	case st.state == failed:
		for _, sg := range st.stages {
			if sg.errLine != "" {
				r.Changes = text(sg.errLine)
				break
			}
		}
	case st.hasChanges || st.counts.Total() > 0:
		r.Changes = countsText(st.counts, m.kind)
	}
	r.Checks = st.checks.cell()
	if m.durations {
		r.Duration = duration(st.duration)
	}
	return r
}

func (m *model) stage(sg *stageModel, lim limits, c *cuts) stageView {
	label := string(sg.kind) + " " + code(sg.name)
	switch {
	case sg.state == skipped:
		return stageView{Lines: []string{"- " + m.stateIcon(skipped) + " " + label + ": skipped: " + text(sg.skipped)}}
	case sg.state == clean:
		return stageView{Lines: []string{"- " + m.stateIcon(clean) + " " + label + ": " + m.stateWord(clean) + uncheckedSuffix(sg) + m.durationSuffix(sg.duration)}}
	}
	where := sg.stack.stack.String() + " " + string(sg.kind) + " " + sg.name
	sv := stageView{}
	summary := m.stateIcon(sg.state) + " " + string(sg.kind) + " " + htmlCode(sg.name) + ": "
	if sg.state == failed {
		summary += "failed"
	} else {
		summary += countsHTML(sg.counts, m.kind)
	}
	sv.Summary = summary + m.durationSuffix(sg.duration)
	for _, n := range sg.notes {
		sv.Notes = append(sv.Notes, text(n))
	}
	add := func(title string, b *block, sh func(*block) shown) {
		if b == nil {
			return
		}
		s := sh(b)
		c.block(s, where)
		sv.Blocks = append(sv.Blocks, blockView{Title: title, shown: s, Show: !s.empty()})
	}
	byText := func(b *block) shown { return b.toSize(lim.text) }
	byList := func(b *block) shown { return b.toLines(lim.list) }
	add("Error", sg.err, byText)
	add(listTitle(sg.kind), sg.list, byList)
	add("Outputs", sg.outputs, byList)
	add("Not checked against the chart's schema", sg.unchecked, byList)
	add(upper(diffWhat(sg.kind)), sg.diff, byText)
	size, shown := 0, 0
	for _, b := range sv.Blocks {
		if b.Show {
			size += m.ms.of(b.Text())
			shown++
		}
	}
	if shown == 0 && len(sv.Blocks) > 0 {
		// Everything was cut: one line says as much as an empty section.
		state := m.stateWord(sg.state)
		if sg.state == changed {
			state = countsText(sg.counts, m.kind)
		}
		return stageView{Lines: []string{"- " + m.stateIcon(sg.state) + " " + label + ": " + state + uncheckedSuffix(sg) + m.durationSuffix(sg.duration) + " (details cut)"}}
	}
	sv.Open = size <= openUpTo
	return sv
}

// uncheckedSuffix says, on a stage's one line, how many values its plan
// did not check against the chart's schema.
func uncheckedSuffix(sg *stageModel) string {
	if sg.unchecked == nil {
		return ""
	}
	return ", " + plural(sg.unchecked.lines(), "value", "values") + " not checked against the chart's schema"
}

// openUpTo is the largest section content shown open.
const openUpTo = 4000

func listTitle(k plan.Kind) string {
	if k == plan.Helm {
		return "Objects"
	}
	return "Resources"
}

func reasons(rs []string) string {
	if len(rs) == 0 {
		return ""
	}
	const most = 10
	parts := make([]string, 0, min(len(rs), most))
	for _, r := range rs[:min(len(rs), most)] {
		parts = append(parts, code(r))
	}
	s := "Affected by " + strings.Join(parts, ", ")
	if len(rs) > most {
		s += " and " + thousands(len(rs)-most) + " more"
	}
	return s + "."
}

func (m *model) durationSuffix(d time.Duration) string {
	if !m.durations {
		return ""
	}
	return " (" + duration(d) + ")"
}

func duration(d time.Duration) string {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}
