package deploy

import (
	"fmt"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// StacksFailedError means some stacks failed; their errors are in the
// report.
type StacksFailedError struct {
	Stacks []string
	Total  int
	// Input is the first failure caused by bad input, such as an invalid
	// inventory document, when the caller tells one (internal/app); it is
	// named in the message and makes the exit code 3.
	Input error
}

func (e *StacksFailedError) Error() string {
	s := fmt.Sprintf("%d of %d stacks failed: %s (the report shows why)", len(e.Stacks), e.Total, strings.Join(e.Stacks, ", "))
	if e.Input != nil {
		s += "; bad input: " + e.Input.Error()
	}
	return s
}

// Unwrap returns the bad input that made a stack fail, if any.
func (e *StacksFailedError) Unwrap() error { return e.Input }

// InventoryError means an environment's inventory could not be read or
// published.
type InventoryError struct {
	Environment string
	// Op is what failed: "read", "read the outputs", "publish".
	Op  string
	Err error
}

func (e *InventoryError) Error() string {
	switch e.Op {
	case "read":
		return fmt.Sprintf("read the inventory of %s: %v", e.Environment, e.Err)
	case "publish":
		return fmt.Sprintf("publish the inventory: %v", e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

func (e *InventoryError) Unwrap() error { return e.Err }

// Step names the step in a report.
func (e *InventoryError) Step() string { return "inventory" }

// RecordError means an environment's apply record could not be written.
type RecordError struct {
	Environment string
	Err         error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("write the apply record of %s: %v", e.Environment, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// Step names the step in a report.
func (e *RecordError) Step() string { return "apply record" }

// CheckError means a check run after planning failed the stack.
type CheckError struct {
	Failed []Check
}

func (e *CheckError) Error() string {
	var parts []string
	for _, c := range e.Failed {
		parts = append(parts, c.Name+": "+c.Message)
	}
	return fmt.Sprintf("%d check(s) failed: %s", len(e.Failed), strings.Join(parts, "; "))
}

// Step names the step in a report.
func (e *CheckError) Step() string { return "checks" }

// CommentError means the report could not be posted; it is in the job
// summary and log nonetheless.
type CommentError struct {
	Err error
}

func (e *CommentError) Error() string {
	return fmt.Sprintf("the report was not posted on the pull or merge request (it is in the job summary and log): %v", e.Err)
}

func (e *CommentError) Unwrap() error { return e.Err }

// IssueError means the drift issues could not be kept up to date; the drift
// report is in the job summary and log nonetheless.
type IssueError struct {
	Err error
}

func (e *IssueError) Error() string {
	return fmt.Sprintf("the drift issues were not updated (the report is in the job summary and log): %v", e.Err)
}

func (e *IssueError) Unwrap() error { return e.Err }

// ReviewError means the reviewed plans could not be read for
// --require-reviewed.
type ReviewError struct {
	Msg string
	Err error
}

func (e *ReviewError) Error() string {
	if e.Err == nil {
		return "--require-reviewed: " + e.Msg
	}
	return fmt.Sprintf("--require-reviewed: %s: %v", e.Msg, e.Err)
}

func (e *ReviewError) Unwrap() error { return e.Err }

// RequestError means a stack asks for a Terraform or OpenTofu version that
// cannot be had as written: a version file or constraint that does not
// parse, a version that is not published, a platform no release is made
// for. It is bad input: the configuration or the repository must change.
// A Toolchain returns it; Err says what and where, in one sentence.
type RequestError struct {
	Err error
}

func (e *RequestError) Error() string { return e.Err.Error() }

func (e *RequestError) Unwrap() error { return e.Err }

// VersionError means stacks ask for versions that cannot be had (each a
// *RequestError); the flows find it before any stack runs.
type VersionError struct {
	Problems []VersionProblem
}

// VersionProblem is one request that cannot be had, and the stacks that
// make it.
type VersionProblem struct {
	Stacks []plan.Stack
	Err    error
}

func (e *VersionError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		names := make([]string, len(p.Stacks))
		for j, s := range p.Stacks {
			names[j] = s.String()
		}
		lines[i] = strings.Join(names, ", ") + ": " + p.Err.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems' errors.
func (e *VersionError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p.Err
	}
	return out
}
