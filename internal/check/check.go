package check

import (
	"slices"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// Status is the outcome of one check, or of one finding; a higher Status
// matters more.
type Status int

// Statuses, from the least to the most severe.
const (
	// Pass means nothing was found.
	Pass Status = iota
	// Warn means something worth a look was found; the stack still
	// proceeds.
	Warn
	// Fail means the stack must not be applied: a deny or violation rule
	// matched, or a checker exited with a failing status, timed out or
	// could not run.
	Fail
)

// String returns "pass", "warn" or "fail".
func (s Status) String() string {
	switch s {
	case Warn:
		return "warn"
	case Fail:
		return "fail"
	}
	return "pass"
}

// Kind is what ran: a policy package or a command.
type Kind string

// Kinds of check.
const (
	// Policy is a Rego package evaluated in-process.
	Policy Kind = "policy"
	// Command is an external checker from the tier's checks.
	Command Kind = "command"
)

// Finding is one failed or warned rule (a message of a deny, violation or
// warn rule) or checker verdict.
type Finding struct {
	Status Status
	// Rule names what produced the finding: the rule of a policy package
	// ("deny", "warn_size"), or the checker's exit status ("exit status 1").
	Rule string
	// Message is the rule's message or the checker's verdict, untrusted.
	Message string
}

// Output is the start of what a checker printed, bounded: the first lines
// and bytes are kept, the rest only counted.
type Output struct {
	// Text is the kept start, untrusted.
	Text string
	// Lines and Bytes count everything the checker printed.
	Lines int
	Bytes int64
	// Truncated is set when Text is not everything.
	Truncated bool
}

// Check is one check run on one stage of a stack.
type Check struct {
	Kind Kind
	// Name is the policy package ("terraform.s3") or the checker's name.
	Name string
	// StageKind and Stage name the stage checked (the Terraform directory
	// or the Helm release).
	StageKind plan.Kind
	Stage     string
	Status    Status
	// Findings are the failed and warned rules, in a stable order; a
	// passing check has none.
	Findings []Finding
	// Output is what a command printed; empty for a policy.
	Output Output
	// Duration is how long the check took; for logs and the job summary,
	// never the comment body.
	Duration time.Duration
}

// Result is every check run on one stage, or on a whole stack.
type Result struct {
	Checks []Check
}

// Status returns the most severe status of the checks; Pass when none ran.
func (r Result) Status() Status {
	s := Pass
	for _, c := range r.Checks {
		s = max(s, c.Status)
	}
	return s
}

// Denied reports whether a check failed: the stack must not be applied.
func (r Result) Denied() bool { return r.Status() == Fail }

// Count returns how many checks have the status s.
func (r Result) Count(s Status) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// Merge returns the checks of every result, in order.
func Merge(rs ...Result) Result {
	var out Result
	for _, r := range rs {
		out.Checks = append(out.Checks, r.Checks...)
	}
	return out
}

// SortFindings orders findings by severity (failures first), then rule,
// keeping the order of the messages of one rule (a rule's messages come
// sorted, a note of how many were left out last).
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Status != b.Status {
			return int(b.Status) - int(a.Status)
		}
		return strings.Compare(a.Rule, b.Rule)
	})
}
