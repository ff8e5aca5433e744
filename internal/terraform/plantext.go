package terraform

import (
	"strings"
	"sync"
)

// The text of a plan for people comes from what `plan` itself printed,
// rather than from a second `show` of the plan file: one command less per
// plan, the largest part of what the stage adds to the raw commands.
//
// This is sound because plan and show render the plan with the same
// renderer from the same plan: the body is the same text. The tests that
// run the real binaries compare the two for every fixture, with OpenTofu
// and with Terraform. What plan prints around the body is not part of the
// plan, and would make the same plan read differently from one run to the
// next, so it is left out:
//
//   - before the body, one line per object while the state is walked
//     ("ADDR: Refreshing state... [id=...]", "ADDR: Read complete after
//     2s"): in no fixed order, with timings;
//   - the state lock messages, printed only when taking or releasing the
//     lock is slow;
//   - after the body, the warnings, which show never prints (they are
//     logged instead);
//   - "Saved the plan to: ..." with the apply hint, printed only without
//     TF_IN_AUTOMATION (which the stage always sets): a path of this run.
//
// A line of the walk is told by its shape, not by its words (which differ
// between the products and their versions): its first word is an object's
// address and a colon, so it holds a dot and no space. No line of the body
// at the left margin has that shape: those are headings ("OpenTofu will
// perform the following actions:", "Plan: ...", "Changes to Outputs:",
// "Note: Objects have changed outside of Terraform"); resources, values and
// heredoc lines are indented. A failed plan (exit 1) has no text.

// The state lock messages, the same in Terraform and OpenTofu.
const (
	lockingMessage   = "Acquiring state lock. This may take a few moments..."
	unlockingMessage = "Releasing state lock. This may take a few moments..."
)

// walkLine reports whether a line is one of those printed while the state
// is walked: "ADDR: message".
func walkLine(line string) bool {
	word, _, found := strings.Cut(line, " ")
	return found && len(word) > 2 && strings.HasSuffix(word, ":") && strings.Contains(word, ".")
}

// noise reports whether a line printed before the body is not part of it.
func noise(line string) bool {
	return walkLine(line) || line == lockingMessage || line == unlockingMessage
}

// planText returns the body of what plan printed, and the warnings printed
// after it.
func planText(stdout string) (body, warnings string) {
	lines := strings.Split(stdout, "\n")
	start := 0
	for start < len(lines) && noise(lines[start]) {
		start++
	}
	lines = lines[start:]
	end := len(lines)
	for i, l := range lines {
		prev := ""
		if i > 0 {
			prev = lines[i-1]
		}
		if prev == "" && (strings.HasPrefix(l, "Warning: ") || strings.HasPrefix(l, "Saved the plan to: ")) {
			end = i
			break
		}
		if strings.HasPrefix(l, "───") && i+2 < len(lines) && strings.HasPrefix(lines[i+2], "Saved the plan to: ") {
			end = i
			break
		}
	}
	if end < len(lines) && strings.HasPrefix(lines[end], "Warning: ") {
		warnings = strings.TrimSpace(strings.Join(lines[end:], "\n"))
	}
	kept := make([]string, 0, end)
	for _, l := range lines[:end] {
		if l != unlockingMessage && l != lockingMessage {
			kept = append(kept, l)
		}
	}
	body = strings.Trim(strings.Join(kept, "\n"), "\n")
	if body != "" {
		body += "\n"
	}
	return body, warnings
}

// planStdout keeps what plan prints and logs the lines printed while the
// state is walked, as they come: they name objects, never values. Nothing
// after them is logged: the body holds values, masked only once the plan's
// JSON says which are sensitive.
type planStdout struct {
	mu     sync.Mutex
	buf    strings.Builder
	inBody bool
	lines  lineWriter
}

func newPlanStdout(log func(line string)) *planStdout {
	p := &planStdout{}
	p.lines.fn = func(line string) {
		if p.inBody {
			return
		}
		if !noise(line) {
			p.inBody = true
			return
		}
		log(line)
	}
	return p
}

func (p *planStdout) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	return p.lines.Write(b)
}

func (p *planStdout) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}
