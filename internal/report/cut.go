package report

import "strings"

// cuts counts what a layout left out, for the cut note.
type cuts struct {
	items []string
	// blocks counts the cut blocks by what they hold.
	blocks                                  map[string]int
	stages, rows, prints, tools, stacksLeft int
}

func (c *cuts) block(sh shown, where string) {
	if sh.complete() {
		return
	}
	item := sh.b.what + " of " + where + ": " + thousands(sh.lines) + " of " + plural(sh.b.lines(), "line", "lines") + " shown"
	c.items = append(c.items, item)
	c.blocks[sh.b.what]++
}

// cutNote says what the layout left out, in a few words.
func (m *model) cutNote(c *cuts) string {
	var parts []string
	for _, what := range []string{"error text", "plan text", "diff", "resource list", "output list", "check output"} {
		if n := c.blocks[what]; n > 0 {
			one, many := "stage", "stages"
			if what == "check output" {
				one, many = "check", "checks"
			}
			parts = append(parts, what+" cut in "+plural(n, one, many))
		}
	}
	if n := c.blocks["check findings"]; n > 0 {
		parts = append(parts, plural(n, "check finding", "check findings")+" left out")
	}
	if c.blocks["inventory change"] > 0 {
		parts = append(parts, "inventory change cut")
	}
	if c.stages > 0 {
		parts = append(parts, plural(c.stages, "stage", "stages")+" left out")
	}
	if c.rows > 0 {
		parts = append(parts, plural(c.rows, "table row", "table rows")+" left out")
	}
	if c.tools > 0 {
		parts = append(parts, plural(c.tools, "Terraform version", "Terraform versions")+" left out")
	}
	if c.prints > 0 {
		parts = append(parts, plural(c.prints, "fingerprint", "fingerprints")+" left out")
	}
	if len(parts) == 0 {
		return ""
	}
	unit := "characters"
	if m.ms.bytes {
		unit = "bytes"
	}
	return "✂️ Shortened to fit " + thousands(m.budget) + " " + unit + ": " + strings.Join(parts, ", ") +
		". The full report is in " + m.hintText() + "."
}

func (m *model) hintText() string {
	h := oneLine(m.hint)
	switch {
	case h == "":
		return "the job log"
	case strings.Contains(h, "://") && !strings.ContainsAny(h, " ()<>"):
		return "[the job log](" + h + ")"
	}
	return text(h)
}
