package report

import (
	"strings"
	"testing"

	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// wellFormed returns what is wrong with a rendered body, or "": code fences
// are closed, <details> blocks are balanced outside code, the marker comes
// first, the body is within budget, and no secret of in shows.
func wellFormed(body string, in Input, marker bool) string {
	if marker && !strings.HasPrefix(body, Marker(in.Environment)+"\n") && !strings.HasPrefix(body, ApplyMarker(in.Environment)+"\n") {
		return "the body does not start with its marker"
	}
	if in.Budget > 0 && Length(body) > in.Budget {
		return "the body is over budget"
	}
	fence := ""
	depth := 0
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		indented := len(line)-len(trimmed) > 3
		if fence != "" {
			if !indented && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "` ") == "" {
				fence = ""
			}
			continue
		}
		if !indented && strings.HasPrefix(trimmed, "```") {
			fence = trimmed[:longestRun(trimmed, '`')]
			if !strings.HasPrefix(trimmed, fence) {
				fence = "```"
			}
			continue
		}
		if strings.HasPrefix(line, "<details") {
			depth++
		}
		if strings.HasPrefix(line, "</details>") {
			depth--
			if depth < 0 {
				return "a </details> closes nothing"
			}
		}
	}
	switch {
	case fence != "":
		return "a code fence is left open"
	case depth != 0:
		return "a <details> block is left open"
	}
	secrets := append([]string(nil), in.Secrets...)
	for _, s := range in.Stacks {
		for _, r := range s.Results {
			secrets = append(secrets, r.Secrets...)
		}
	}
	for _, s := range secrets {
		if len(s) >= redact.MinLen && strings.Contains(body, s) {
			return "secret " + s + " shows"
		}
	}
	return ""
}

func assertWellFormed(t testing.TB, body string, in Input) {
	t.Helper()
	if msg := wellFormed(body, in, true); msg != "" {
		t.Errorf("%s:\n%s", msg, body)
	}
}
