package junit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wellFormed parses doc with encoding/xml to its end, and returns every
// attribute value and text it holds, decoded.
func wellFormed(t testing.TB, doc []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var all strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "well-formed XML:\n%s", doc)
		switch tok := tok.(type) {
		case xml.StartElement:
			for _, a := range tok.Attr {
				all.WriteString(a.Value + "\n")
			}
		case xml.CharData:
			all.Write(tok)
		}
	}
	return all.String()
}

// forbidden reports the first character of s that must not be in the
// report: what XML 1.0 forbids and terminal controls.
func forbidden(s string) (rune, bool) {
	if !utf8.ValidString(s) {
		return utf8.RuneError, true
	}
	for _, r := range s {
		switch {
		case r == '\t', r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0xfffe, r == 0xffff, r >= 0x202a && r <= 0x202e:
			return r, true
		}
	}
	return 0, false
}

// TestHostileTextIsWellFormedAndClean puts markup, a CDATA end, escape
// sequences, NUL, U+FFFE and invalid UTF-8 in every text of a report: the
// document must parse back, hold none of those characters, and keep the
// visible text.
func TestHostileTextIsWellFormedAndClean(t *testing.T) {
	hostile := "a]]><script>alert(1)</script>\x1b[31mred\x1b]0;title\x07\x00nul\ufffe\uffff\xff\xfe&amp;\"'\u202eevil\r\nend"
	rep := Report{Name: hostile, Suites: []Suite{{Name: hostile, Cases: []Case{
		{Class: hostile, Name: hostile, File: hostile, Line: 3, Result: Failure, Message: hostile, Output: hostile},
		{Class: hostile, Name: hostile, Result: Error, Message: hostile, Output: hostile},
		{Class: hostile, Name: hostile, Result: Skipped, Message: hostile},
		{Class: hostile, Name: hostile, Output: hostile},
	}}}}
	doc, err := Marshal(rep)
	require.NoError(t, err)
	assert.NotContains(t, string(doc), "]]>")
	assert.NotContains(t, string(doc), "<script>")
	r, bad := forbidden(string(doc))
	assert.False(t, bad, "raw %U in the document", r)

	text := wellFormed(t, doc)
	r, bad = forbidden(text)
	assert.False(t, bad, "%U in the decoded text", r)
	assert.Contains(t, text, "<script>alert(1)</script>", "markup is text, escaped")
	assert.Contains(t, text, "a]]>")
	assert.Contains(t, text, "&amp;")
	assert.NotContains(t, text, "\x1b")
	assert.Contains(t, text, "red")
	assert.Contains(t, text, "end")

	var got struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(doc, &got))
	require.Len(t, got.Suites, 1)
	require.Len(t, got.Suites[0].Cases, 4)
	assert.NotContains(t, got.Suites[0].Cases[0].Failure.Message, "\n", "an attribute is one line")
}

func TestCountsAndTimes(t *testing.T) {
	doc, err := Marshal(Report{Name: "run", Suites: []Suite{
		{Name: "a", Cases: []Case{{Name: "p", Time: 1500 * time.Millisecond}, {Name: "f", Result: Failure, Time: time.Millisecond}}},
		{Name: "b", Cases: []Case{{Name: "e", Result: Error}, {Name: "s", Result: Skipped}, {Name: "p"}}},
		{Name: "empty"},
	}})
	require.NoError(t, err)
	wellFormed(t, doc)
	type counts struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Time     string `xml:"time,attr"`
	}
	var got struct {
		counts
		Suites []counts `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(doc, &got))
	assert.Equal(t, counts{"run", 5, 1, 1, 1, "1.501"}, got.counts)
	assert.Equal(t, []counts{{"a", 2, 1, 0, 0, "1.501"}, {"b", 3, 0, 1, 1, "0.000"}, {"empty", 0, 0, 0, 0, "0.000"}}, got.Suites)
}

func TestOutputIsBounded(t *testing.T) {
	long := strings.Repeat("é", MaxOutput) // two bytes each
	doc, err := Marshal(Report{Suites: []Suite{{Name: "s", Cases: []Case{{Name: "loud", Output: long}}}}})
	require.NoError(t, err)
	text := wellFormed(t, doc)
	assert.Less(t, len(doc), MaxOutput+1024)
	assert.Contains(t, text, "[output cut:")
	assert.NotContains(t, text, "\ufffd", "cut at a character boundary")
}

// FuzzMarshal checks that any text makes a well-formed document without
// the characters XML forbids or terminal controls.
func FuzzMarshal(f *testing.F) {
	f.Add("test_x", "msg", "out\x1b[2J\x00\ufffe]]>")
	f.Add("\xff", "<a>", "\r\n\u202e")
	f.Fuzz(func(t *testing.T, name, msg, out string) {
		doc, err := Marshal(Report{Name: name, Suites: []Suite{{Name: name, Cases: []Case{
			{Class: name, Name: name, File: msg, Result: Failure, Message: msg, Output: out},
			{Class: name, Name: msg, Result: Error, Message: out, Output: msg},
			{Class: out, Name: name, Output: out},
		}}}})
		require.NoError(t, err)
		if r, bad := forbidden(string(doc)); bad {
			t.Fatalf("raw %U in the document", r)
		}
		if r, bad := forbidden(wellFormed(t, doc)); bad {
			t.Fatalf("%U in the decoded text", r)
		}
	})
}
