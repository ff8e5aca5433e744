package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// MaskText stands in for a sensitive value wherever one would be shown.
const MaskText = "(sensitive)"

// maskJSON is MaskText as a JSON value.
var maskJSON = json.RawMessage(`"` + MaskText + `"`)

// RenderOptions control how documents and changes are shown.
type RenderOptions struct {
	// ShowSecrets shows sensitive values instead of MaskText (the
	// --show-secrets flag). The zero value masks them.
	ShowSecrets bool
}

// Mask returns a copy of d whose sensitive values are replaced by MaskText,
// for display in any format; d is left unchanged.
func Mask(d *Document) *Document {
	if d == nil {
		return nil
	}
	c := *d
	c.Sensitive = append([]string(nil), d.Sensitive...)
	c.Values = make(map[string]json.RawMessage, len(d.Values))
	for k, v := range d.Values {
		if d.IsSensitive(k) {
			v = maskJSON
		}
		c.Values[k] = v
	}
	return &c
}

// Masked returns a copy of c whose sensitive values are replaced by
// MaskText.
func (c Change) Masked() Change {
	return Change{
		Added:           maskEntries(c.Added),
		Removed:         maskEntries(c.Removed),
		Changed:         maskEntries(c.Changed),
		KnownAfterApply: maskEntries(c.KnownAfterApply),
	}
}

func maskEntries(es []Entry) []Entry {
	if es == nil {
		return nil
	}
	out := make([]Entry, len(es))
	for i, e := range es {
		if e.Sensitive {
			if e.Before != nil {
				e.Before = maskJSON
			}
			if e.After != nil {
				e.After = maskJSON
			}
		}
		out[i] = e
	}
	return out
}

// Summary returns a one-line count of the change, such as "1 to add, 2 to
// change, 0 to remove, 1 known after apply", or "no change".
func (c Change) Summary() string {
	if c.Empty() {
		return "no change"
	}
	s := fmt.Sprintf("%d to add, %d to change, %d to remove", len(c.Added), len(c.Changed), len(c.Removed))
	if n := len(c.KnownAfterApply); n > 0 {
		s += fmt.Sprintf(", %d known after apply", n)
	}
	return s
}

// Text renders the change as lines sorted by key, one per entry, marked "+"
// (added), "~" (changed), "-" (removed) or "?" (known after apply), after a
// summary line. The output is deterministic; sensitive values are masked
// unless opts.ShowSecrets is set.
func (c Change) Text(opts RenderOptions) string {
	show := func(e Entry, v json.RawMessage) string {
		if e.Sensitive && !opts.ShowSecrets {
			return MaskText
		}
		return displayValue(v)
	}
	type line struct{ key, text string }
	var lines []line
	for _, e := range c.Added {
		lines = append(lines, line{e.Key, fmt.Sprintf("+ %s = %s", displayKey(e.Key), show(e, e.After))})
	}
	for _, e := range c.Changed {
		lines = append(lines, line{e.Key, fmt.Sprintf("~ %s = %s -> %s", displayKey(e.Key), show(e, e.Before), show(e, e.After))})
	}
	for _, e := range c.Removed {
		lines = append(lines, line{e.Key, fmt.Sprintf("- %s = %s", displayKey(e.Key), show(e, e.Before))})
	}
	for _, e := range c.KnownAfterApply {
		before := "(none)"
		if e.Before != nil {
			before = show(e, e.Before)
		}
		lines = append(lines, line{e.Key, fmt.Sprintf("? %s = %s -> (known after apply)", displayKey(e.Key), before)})
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].key < lines[j].key })
	var b strings.Builder
	b.WriteString("Inventory: " + c.Summary() + "\n")
	for _, l := range lines {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}

// changeJSON is the JSON form of a Change.
type changeJSON struct {
	Empty           bool        `json:"empty"`
	Added           []entryJSON `json:"added"`
	Changed         []entryJSON `json:"changed"`
	Removed         []entryJSON `json:"removed"`
	KnownAfterApply []entryJSON `json:"known_after_apply"`
}

type entryJSON struct {
	Key       string          `json:"key"`
	Before    json.RawMessage `json:"before,omitempty"`
	After     json.RawMessage `json:"after,omitempty"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// JSON renders the change as a JSON object with the lists "added",
// "changed", "removed" and "known_after_apply" (never null) and "empty";
// sensitive values are masked unless opts.ShowSecrets is set.
func (c Change) JSON(opts RenderOptions) ([]byte, error) {
	if !opts.ShowSecrets {
		c = c.Masked()
	}
	conv := func(es []Entry) []entryJSON {
		out := make([]entryJSON, len(es))
		for i, e := range es {
			out[i] = entryJSON(e)
		}
		return out
	}
	return encode(changeJSON{
		Empty:           c.Empty(),
		Added:           conv(c.Added),
		Changed:         conv(c.Changed),
		Removed:         conv(c.Removed),
		KnownAfterApply: conv(c.KnownAfterApply),
	})
}

// Text renders the document for people: its header fields, then one
// "path = value" line per leaf, sorted. Sensitive values are masked unless
// opts.ShowSecrets is set.
func (d *Document) Text(opts RenderOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema:      %s\nenvironment: %s\ntier:        %s\ncommit:      %s\ncreated:     %s\n",
		displayKey(d.Schema), displayKey(d.Environment), displayKey(d.Tier), displayKey(d.Commit), d.Created.UTC().Format(time.RFC3339))
	if len(d.Sensitive) > 0 {
		names := make([]string, len(d.Sensitive))
		for i, n := range d.Sensitive {
			names[i] = displayKey(n)
		}
		fmt.Fprintf(&b, "sensitive:   %s\n", strings.Join(names, ", "))
	}
	b.WriteString("values:\n")
	top := map[string]bool{}
	leaves := flatten(d.Values, d.IsSensitive, top)
	for _, k := range sortedKeys(leaves) {
		v := displayValue(leaves[k])
		if top[k] && !opts.ShowSecrets {
			v = MaskText
		}
		fmt.Fprintf(&b, "  %s = %s\n", displayKey(k), v)
	}
	return b.String()
}

// displayKey returns a key (or another name read from the document) as it
// is when a terminal shows it as written, and Go-quoted in ASCII when it
// holds a control character, an escape sequence or invalid UTF-8: a
// document from the store is outside input, and the text forms are printed
// to terminals and logs.
func displayKey(k string) string {
	if termtext.Safe(k, false) {
		return k
	}
	return strconv.QuoteToASCII(k)
}

// displayValue returns a JSON value for a terminal, on one line: the
// whitespace between tokens becomes spaces, and what JSON lets through
// raw inside strings but a terminal obeys (DEL, C1 controls, separators,
// bidirectional controls, invalid UTF-8) becomes \u escapes, which leave
// its meaning unchanged (termtext.JSON).
func displayValue(v json.RawMessage) string {
	flat := bytes.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, v)
	return string(termtext.JSON(flat))
}
