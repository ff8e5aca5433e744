package junit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// MaxOutput bounds the output kept for one test case, in bytes; longer
// output is cut with a notice, so that one test printing in a loop does
// not make a report CI refuses to read.
const MaxOutput = 64 << 10

// Result is the outcome of a test case.
type Result int

// Test case outcomes.
const (
	Pass Result = iota
	Failure
	Error
	Skipped
)

// Report is a test run: its suites, in order.
type Report struct {
	// Name names the run ("tierdeploy test-policies").
	Name   string
	Suites []Suite
}

// Suite is a group of test cases.
type Suite struct {
	Name  string
	Cases []Case
}

// Case is one test.
type Case struct {
	// Class is the case's classname (what CI views group by); Name the
	// test's name.
	Class, Name string
	// File and Line locate the test, relative to the repository root;
	// both optional.
	File string
	Line int
	Time time.Duration
	// Result is the outcome; Message the one-line reason of a failure,
	// error or skip.
	Result  Result
	Message string
	// Output is the detail: the body of a failure or error, else what the
	// test printed (system-out).
	Output string
}

// Marshal returns r as a JUnit XML document: a <testsuites> holding one
// <testsuite> per suite, with the counts of tests, failures, errors and
// skipped cases and their time on both.
func Marshal(r Report) ([]byte, error) {
	doc := xmlSuites{Name: Attr(r.Name)}
	var total time.Duration
	for _, s := range r.Suites {
		xs := xmlSuite{Name: Attr(s.Name)}
		var st time.Duration
		for _, c := range s.Cases {
			xs.Cases = append(xs.Cases, caseXML(c))
			xs.Tests++
			st += c.Time
			switch c.Result {
			case Failure:
				xs.Failures++
			case Error:
				xs.Errors++
			case Skipped:
				xs.Skipped++
			}
		}
		xs.Time = seconds(st)
		total += st
		doc.Tests += xs.Tests
		doc.Failures += xs.Failures
		doc.Errors += xs.Errors
		doc.Skipped += xs.Skipped
		doc.Suites = append(doc.Suites, xs)
	}
	doc.Time = seconds(total)
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode the junit report: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func caseXML(c Case) xmlCase {
	xc := xmlCase{Class: Attr(c.Class), Name: Attr(c.Name), File: Attr(c.File), Time: seconds(c.Time)}
	if c.Line > 0 {
		xc.Line = fmt.Sprint(c.Line)
	}
	out := Text(bound(c.Output))
	switch c.Result {
	case Failure:
		xc.Failure = &xmlProblem{Message: Attr(c.Message), Type: "failure", Body: out}
	case Error:
		xc.Error = &xmlProblem{Message: Attr(c.Message), Type: "error", Body: out}
	case Skipped:
		xc.Skipped = &xmlSkipped{Message: Attr(c.Message)}
		xc.SystemOut = out
	default:
		xc.SystemOut = out
	}
	return xc
}

// Attr returns s safe for an attribute: one line, terminal controls
// neutralised, only characters XML 1.0 allows.
func Attr(s string) string { return xmlChars(termtext.Line(s)) }

// Text returns s safe for element text: as Attr, line ends kept.
func Text(s string) string { return xmlChars(termtext.Block(s)) }

// xmlChars replaces what XML 1.0 does not allow in a document (and
// invalid UTF-8) by U+FFFD. termtext has already replaced the C0
// controls; this is what is left: U+FFFE, U+FFFF, and any control a
// caller's text could still hold.
func xmlChars(s string) string {
	ok := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xd7ff ||
			r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
	}
	clean := utf8.ValidString(s)
	for _, r := range s {
		if !ok(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 || !ok(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// bound cuts s to MaxOutput bytes, at a character boundary, with a notice.
func bound(s string) string {
	if len(s) <= MaxOutput {
		return s
	}
	cut := MaxOutput
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("\n[output cut: %d of %d bytes shown]", cut, len(s))
}

// seconds is d as JUnit writes times: seconds, with milliseconds.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

type xmlSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Name     string     `xml:"name,attr,omitempty"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Time     string     `xml:"time,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Name     string    `xml:"name,attr"`
	Tests    int       `xml:"tests,attr"`
	Failures int       `xml:"failures,attr"`
	Errors   int       `xml:"errors,attr"`
	Skipped  int       `xml:"skipped,attr"`
	Time     string    `xml:"time,attr"`
	Cases    []xmlCase `xml:"testcase"`
}

type xmlCase struct {
	Class     string      `xml:"classname,attr"`
	Name      string      `xml:"name,attr"`
	File      string      `xml:"file,attr,omitempty"`
	Line      string      `xml:"line,attr,omitempty"`
	Time      string      `xml:"time,attr"`
	Failure   *xmlProblem `xml:"failure"`
	Error     *xmlProblem `xml:"error"`
	Skipped   *xmlSkipped `xml:"skipped"`
	SystemOut string      `xml:"system-out,omitempty"`
}

type xmlProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

type xmlSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}
