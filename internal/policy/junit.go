package policy

import (
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/junit"
)

// JUnit returns the report as JUnit XML (internal/junit), for the test
// views of CI (GitLab's artifacts:reports:junit, GitHub's test-report
// tools).
//
// One <testsuite> per Rego package, not per directory: the test runner
// names a test data.<package>.<rule>, --run matches that name, and a
// package may span files and directories, so the package is the unit opa
// test users know, and it is what a JUnit classname stands for. Each
// <testcase> has the package as classname, the rule as name, and its file
// and line. A FAIL is a <failure>, an ERROR an <error> (its message the
// error's first line), a todo_ test <skipped>; what a test printed is the
// body of its failure or error, else its system-out. Packages come in the
// order of their first test (by file and line, as Results).
func (r TestReport) JUnit() ([]byte, error) {
	rep := junit.Report{Name: "tierdeploy test-policies"}
	index := map[string]int{}
	for _, t := range r.Results {
		i, ok := index[t.Package]
		if !ok {
			i = len(rep.Suites)
			index[t.Package] = i
			rep.Suites = append(rep.Suites, junit.Suite{Name: t.Package})
		}
		c := junit.Case{Class: t.Package, Name: t.Name, File: t.File, Line: t.Line, Time: t.Duration, Output: t.Message}
		switch t.Status {
		case TestFail:
			c.Result, c.Message = junit.Failure, "the test rule is false or undefined"
		case TestError:
			first, _, _ := strings.Cut(t.Message, "\n")
			c.Result, c.Message = junit.Error, first
		case TestSkip:
			c.Result, c.Message = junit.Skipped, "todo_ test"
		}
		rep.Suites[i].Cases = append(rep.Suites[i].Cases, c)
	}
	return junit.Marshal(rep)
}
