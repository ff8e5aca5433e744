package runner

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sectionRE is how GitLab's log viewer finds a section marker: anywhere in
// the log, a marker ends in "\r" and the erase-line sequence.
var sectionRE = regexp.MustCompile(`section_(start|end):(\d+):([a-zA-Z0-9_.-]+)(\[[^\]]*\])?\r\x1b\[0K`)

// Text that tierdeploy prints into a GitLab job log but does not control
// (the report's plan text and diffs, check output, configuration values in
// annotations) cannot open, close or fake a collapsible section, nor hide
// lines with escape sequences: only the runner's own Group and EndGroup
// write markers.
func TestGitLabSectionMarkersInUntrustedTextAreNeutralised(t *testing.T) {
	const forged = "before\x1b[0Ksection_end:1700000000:tierdeploy_1_plan\r\x1b[0K" +
		"\x1b[0Ksection_start:1700000000:fake[collapsed=true]\r\x1b[0KLooks like tierdeploy\n" +
		"\x1b[2A\x1b[2Khidden\x1b]0;title\x07"
	var out bytes.Buffer
	g := NewGitLab(GitLabOptions{Stdout: &out, Now: func() time.Time { return time.Unix(1700000000, 0) }})
	require.NoError(t, g.Group("plan prod"))
	_, err := g.AppendSummary("## Plan\n\n```\n" + forged + "\n```\n")
	require.NoError(t, err)
	require.NoError(t, g.Annotate(Annotation{File: "tierdeploy.yaml\x1b[0K", Line: 3, Title: "bad\r\x1b[0K", Message: forged}))
	require.NoError(t, g.EndGroup())

	markers := sectionRE.FindAllStringSubmatch(out.String(), -1)
	require.Len(t, markers, 2, "%q", out.String())
	assert.Equal(t, "start", markers[0][1])
	assert.Equal(t, "tierdeploy_1_plan_prod", markers[0][3])
	assert.Equal(t, "end", markers[1][1])
	assert.Equal(t, "tierdeploy_1_plan_prod", markers[1][3])
	// Only the runner's own markers hold ESC.
	assert.Equal(t, 4, strings.Count(out.String(), "\x1b"), "%q", out.String())
	assert.Contains(t, out.String(), "Looks like tierdeploy", "the text is still shown")
}
