package report

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// state is the outcome of a stage or stack; a higher state matters more
// when a budget leaves room for only some.
type state int

const (
	clean state = iota
	skipped
	changed
	failed
)

// model is an Input prepared for layout: outside text sanitized and masked,
// plan texts rewritten, lists built. Layout only decides how much of it to
// show.
type model struct {
	kind      Kind
	env       string
	commit    string
	hint      string
	durations bool
	ms        measure
	// budget is the budget being fitted, for the cut note.
	budget int
	// unmasked counts the secrets too short to mask.
	unmasked int
	stacks   []*stackModel
	// stages are the stages shown in sections, most important first.
	stages []*stageModel
	inv    *invModel
	// maxText and maxList are the largest text block size and list length,
	// the upper bounds of the budget's search.
	maxText, maxList int
}

type stackModel struct {
	stack       plan.Stack
	state       state
	counts      plan.Counts
	hasChanges  bool
	reasons     []string
	skipped     string
	stages      []*stageModel
	fingerprint string
	// tool is StackReport.Tool, masked and on one line.
	tool     string
	duration time.Duration
	// rank orders stacks by importance for the table and fingerprints.
	rank int
	// checks are the stack's checks; nil when none ran.
	checks *checksModel
}

// detailed reports whether the stack gets a section: it changes, failed,
// or has a stage that skipped itself.
func (st *stackModel) detailed() bool {
	if st.state == failed || st.state == changed {
		return true
	}
	if st.skipped != "" {
		return false
	}
	for _, sg := range st.stages {
		if sg.state != clean {
			return true
		}
	}
	return false
}

func (st *stackModel) allSkipped() bool {
	for _, sg := range st.stages {
		if sg.state != skipped {
			return false
		}
	}
	return len(st.stages) > 0
}

type stageModel struct {
	stack   *stackModel
	kind    plan.Kind
	name    string
	state   state
	counts  plan.Counts
	notes   []string
	skipped string
	// errLine is the first line of the error, for the summary table.
	errLine string
	err     *block
	list    *block
	outputs *block
	// unchecked lists the values a plan did not check against the
	// chart's schema, with why.
	unchecked *block
	diff      *block
	duration  time.Duration
	rank      int
}

type invModel struct {
	lines   *block
	skipped string
}

// maxTool bounds the description of a stack's Terraform release in the
// footer: its constraints and their places come from the repository.
const maxTool = 300

// outputter is implemented by errors that carry the full output of a failed
// command, several lines, for a report.
type outputter interface{ Output() string }

func newModel(in Input, durations bool) (*model, error) {
	kind, err := checkKind(in.Kind)
	if err != nil {
		return nil, err
	}
	m := &model{kind: kind, env: in.Environment, commit: in.Commit, hint: in.FullOutputHint,
		durations: durations, ms: measure{bytes: durations}}
	mask := newMasker(in)
	m.unmasked = mask.TooShort()
	tidy := func(s string) string { return mask.String(sanitize(mask.String(s))) }

	for _, sr := range in.Stacks {
		st := &stackModel{stack: sr.Stack, skipped: tidy(sr.Skipped), tool: shorten(oneLine(tidy(sr.Tool)), m.ms, maxTool)}
		for _, r := range sr.Reasons {
			st.reasons = append(st.reasons, tidy(r))
		}
		for i := range sr.Results {
			sg := m.newStage(st, &sr.Results[i], tidy)
			st.stages = append(st.stages, sg)
			st.counts = st.counts.Plus(sg.counts)
			st.hasChanges = st.hasChanges || sr.Results[i].HasChanges
			st.duration += sr.Results[i].Duration
			st.state = max(st.state, sg.state)
		}
		switch {
		case sr.Skipped != "":
			st.state, st.fingerprint = skipped, FingerprintSkipped
		case st.state == failed:
			st.fingerprint = FingerprintFailed
		default:
			st.fingerprint = plan.StackFingerprint(sr.Results)
			if st.hasChanges {
				st.state = changed
			} else if st.state == skipped && !st.allSkipped() {
				st.state = clean
			}
		}
		m.addChecks(st, sr.Checks, tidy)
		m.stacks = append(m.stacks, st)
		if st.detailed() {
			m.stages = append(m.stages, st.stages...)
		}
	}
	m.rank()
	if in.Inventory != nil {
		m.inv = &invModel{skipped: tidy(in.Inventory.Skipped),
			lines: newBlock("inventory change", "diff", inventoryLines(in.Inventory.Lines, tidy, m.ms), m.ms)}
		m.bound(m.inv.lines, false)
	}
	return m, nil
}

func (m *model) newStage(st *stackModel, r *plan.Result, tidy func(string) string) *stageModel {
	sg := &stageModel{stack: st, kind: r.Kind, name: tidy(r.Name), counts: r.Counts,
		skipped: tidy(r.Skipped), duration: r.Duration}
	for _, n := range r.Notes {
		sg.notes = append(sg.notes, tidy(n))
	}
	switch {
	case r.Err != nil:
		sg.state = failed
	case r.Skipped != "":
		sg.state = skipped
	case r.HasChanges:
		sg.state = changed
	}
	if r.Err != nil {
		msg := r.Err.Error()
		var o outputter
		if errors.As(r.Err, &o) {
			if out := strings.Trim(o.Output(), "\n"); out != "" && out != msg {
				msg += "\n\n" + out
			}
		}
		sg.err = newBlock("error text", "text", tidy(msg), m.ms)
		sg.errLine = shorten(firstLine(tidy(r.Err.Error())), m.ms, errLineMax)
	}
	sg.list = newBlock("resource list", "diff", resourceLines(r.Resources, tidy), m.ms)
	sg.outputs = newBlock("output list", "diff", outputLines(r.Outputs, tidy, m.ms), m.ms)
	sg.unchecked = newBlock("unchecked values", "text", uncheckedLines(r.Unchecked, tidy), m.ms)
	text := tidy(r.Diff)
	if r.Kind == plan.Terraform {
		text = tidy(planDiff(text))
	}
	sg.diff = newBlock(diffWhat(r.Kind), "diff", text, m.ms)
	m.bound(sg.err, true)
	m.bound(sg.diff, true)
	m.bound(sg.list, false)
	m.bound(sg.outputs, false)
	m.bound(sg.unchecked, false)
	return sg
}

func diffWhat(k plan.Kind) string {
	if k == plan.Helm {
		return "diff"
	}
	return "plan text"
}

// bound raises the search bounds to cover b.
func (m *model) bound(b *block, text bool) {
	switch {
	case b == nil:
	case text:
		m.maxText = max(m.maxText, b.size())
	default:
		m.maxList = max(m.maxList, b.lines())
	}
}

// rank orders stages and stacks by importance (failed, changed, skipped,
// clean), keeping input order within a state.
func (m *model) rank() {
	sort.SliceStable(m.stages, func(i, j int) bool { return m.stages[i].state > m.stages[j].state })
	for i, s := range m.stages {
		s.rank = i
	}
	order := append([]*stackModel(nil), m.stacks...)
	sort.SliceStable(order, func(i, j int) bool { return order[i].state > order[j].state })
	for i, s := range order {
		s.rank = i
	}
}

// newMasker masks every secret of the input, also in the form sanitize
// gives it.
func newMasker(in Input) *redact.Masker {
	var secrets []string
	add := func(ss []string) {
		for _, s := range ss {
			secrets = append(secrets, s)
			if c := sanitize(s); c != s {
				secrets = append(secrets, c)
			}
		}
	}
	add(in.Secrets)
	for _, sr := range in.Stacks {
		for _, r := range sr.Results {
			add(r.Secrets)
		}
	}
	return redact.New(secrets...)
}

// errLineMax is the longest error line in the summary table.
const errLineMax = 120

func firstLine(s string) string {
	s = strings.TrimLeft(s, "\n")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
