package policy

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// DefaultTestTimeout bounds each test rule.
const DefaultTestTimeout = 10 * time.Second

// TestOptions say which policy tests to run.
type TestOptions struct {
	// Root is the absolute repository root.
	Root string
	// Dirs are the policy directories, as for Load; their *_test.rego
	// files and testdata are read too.
	Dirs []string
	// Run selects the tests whose package and name match this regular
	// expression, as opa test --run does; empty runs every test.
	Run string
	// Timeout bounds each test; zero means DefaultTestTimeout.
	Timeout time.Duration
}

// TestStatus is the outcome of one test.
type TestStatus string

// Test outcomes.
const (
	TestPass  TestStatus = "PASS"
	TestFail  TestStatus = "FAIL"
	TestError TestStatus = "ERROR"
	TestSkip  TestStatus = "SKIPPED"
)

// TestResult is one test rule's outcome.
type TestResult struct {
	// Package is "terraform.s3_test"; Name the rule, "test_public_bucket_denied".
	Package, Name string
	// File and Line locate the rule, relative to the repository root.
	File   string
	Line   int
	Status TestStatus
	// Message is the error of an ERROR, and what the test printed.
	Message  string
	Duration time.Duration
}

// TestReport is the outcome of a test run.
type TestReport struct {
	// Results are sorted by file and line.
	Results []TestResult
}

// Count returns how many tests ended with s.
func (r TestReport) Count(s TestStatus) int {
	n := 0
	for _, t := range r.Results {
		if t.Status == s {
			n++
		}
	}
	return n
}

// OK reports whether tests ran and none failed or erred.
func (r TestReport) OK() bool {
	return len(r.Results) > 0 && r.Count(TestFail) == 0 && r.Count(TestError) == 0
}

// Text renders the report as opa test does: the failures and errors with
// their location and output (every test when verbose), then the counts.
// Control characters and escape sequences in it are neutralised
// (termtext), since it is printed to a terminal or a CI log.
func (r TestReport) Text(verbose bool) string {
	var b strings.Builder
	for _, t := range r.Results {
		if t.Status == TestPass && !verbose || t.Status == TestSkip && !verbose {
			continue
		}
		fmt.Fprintf(&b, "%s:%d: %s.%s: %s", termtext.Line(t.File), t.Line, termtext.Line(t.Package), termtext.Line(t.Name), t.Status)
		if t.Status != TestSkip {
			fmt.Fprintf(&b, " (%s)", t.Duration.Round(time.Microsecond))
		}
		b.WriteByte('\n')
		if t.Message != "" {
			// What a test printed, and its error, may quote fixtures and
			// input: made safe for a terminal.
			for line := range strings.Lines(strings.TrimRight(termtext.Block(t.Message), "\n")) {
				b.WriteString("  ")
				b.WriteString(strings.TrimRight(line, "\n"))
				b.WriteByte('\n')
			}
		}
	}
	if len(r.Results) == 0 {
		b.WriteString("no tests found: write test_ rules in *_test.rego files\n")
		return b.String()
	}
	fmt.Fprintf(&b, "PASS: %d/%d", r.Count(TestPass), len(r.Results))
	for _, s := range []TestStatus{TestFail, TestError, TestSkip} {
		if n := r.Count(s); n > 0 {
			fmt.Fprintf(&b, ", %s: %d", s, n)
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// Test runs the test_ rules of the *_test.rego files in opts.Dirs against
// the policies and the data there (testdata included), the way opa test
// does. Bad policies or tests are an *Error, as for Load; a failing test is
// a TestResult, not an error.
func Test(ctx context.Context, opts TestOptions) (TestReport, error) {
	f, err := load(opts.Root, opts.Dirs, true)
	if err != nil {
		return TestReport{}, err
	}
	modules := maps.Clone(f.modules)
	maps.Copy(modules, f.tests)
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTestTimeout
	}
	// Parse every module first through the same compiler settings as Load,
	// so that a bad test is reported with its file and line as bad input;
	// with print kept, as the runner below keeps it, so that what print
	// is given is checked here too (a compiler without print drops it).
	if err := compile(newCompiler().WithEnablePrintStatements(true), modules); err != nil {
		return TestReport{}, err
	}
	store := inmem.NewFromObjectWithOpts(f.data, inmem.OptRoundTripOnWrite(false))
	runner := tester.NewRunner().
		SetCompiler(newCompiler().WithEnablePrintStatements(true)).
		SetStore(store).
		SetModules(modules).
		SetTimeout(timeout).
		CapturePrintOutput(true).
		SetDefaultRegoVersion(ast.RegoV1).
		Filter(opts.Run)
	ch, err := runner.RunTests(ctx, nil)
	if err != nil {
		return TestReport{}, fmt.Errorf("run policy tests: %w", err)
	}
	var rep TestReport
	for r := range ch {
		t := TestResult{Package: strings.TrimPrefix(r.Package, "data."), Name: r.Name, Duration: r.Duration}
		if r.Location != nil {
			t.File, t.Line = r.Location.File, r.Location.Row
		}
		switch {
		case r.Skip:
			t.Status = TestSkip
		case r.Error != nil:
			t.Status, t.Message = TestError, r.Error.Error()
		case r.Fail:
			t.Status = TestFail
		default:
			t.Status = TestPass
		}
		if out := strings.TrimRight(string(r.Output), "\n"); out != "" {
			if t.Message != "" {
				t.Message += "\n"
			}
			t.Message += out
		}
		rep.Results = append(rep.Results, t)
	}
	if err := ctx.Err(); err != nil {
		return TestReport{}, err
	}
	slices.SortFunc(rep.Results, func(a, b TestResult) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Name, b.Name)
	})
	return rep, nil
}
