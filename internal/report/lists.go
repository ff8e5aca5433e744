package report

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/tierdeploy/tierdeploy/internal/plan"
)

// groupFrom is the number of resources from which the resource list groups
// the instances of one resource (count or for_each) into one line.
const groupFrom = 50

// sensitiveValue stands for a value Terraform marks sensitive, in its own
// words.
const sensitiveValue = "(sensitive value)"

// maxValue is the longest value shown in an output or inventory line.
const maxValue = 200

// symbols are the markers of the resource list, chosen as in planDiff so a
// diff block colours them.
var symbols = map[plan.Action]string{
	plan.Create:  "+",
	plan.Update:  "!",
	plan.Delete:  "-",
	plan.Replace: "-/+",
	plan.Read:    "<=",
	plan.Forget:  ".",
	plan.NoOp:    "",
}

// resourceLines returns the resource list: one line per changed resource,
// sorted by address, or, for a long list, one line per resource with the
// number of its instances.
func resourceLines(rs []plan.ResourceChange, tidy func(string) string) string {
	sorted := make([]plan.ResourceChange, 0, len(rs))
	for _, r := range rs {
		if r.Action == plan.NoOp && r.PreviousAddress == "" && !r.Imported {
			continue
		}
		sorted = append(sorted, r)
	}
	plan.SortResources(sorted)
	var b strings.Builder
	if len(sorted) < groupFrom {
		for _, r := range sorted {
			writeResource(&b, symbols[r.Action], tidy(r.Address), notes(r, tidy))
		}
		return b.String()
	}
	type group struct {
		sym, addr string
		n         int
		first     plan.ResourceChange
	}
	var order []*group
	groups := map[[2]string]*group{}
	for _, r := range sorted {
		sym := symbols[r.Action]
		key := [2]string{sym, wildcardKeys(r.Address)}
		g := groups[key]
		if g == nil {
			g = &group{sym: sym, addr: key[1], first: r}
			groups[key] = g
			order = append(order, g)
		}
		g.n++
	}
	for _, g := range order {
		if g.n == 1 {
			writeResource(&b, g.sym, tidy(g.first.Address), notes(g.first, tidy))
			continue
		}
		writeResource(&b, g.sym, tidy(g.addr), thousands(g.n)+" instances")
	}
	return b.String()
}

func writeResource(b *strings.Builder, sym, addr, note string) {
	b.WriteString(sym)
	b.WriteString(strings.Repeat(" ", 4-len(sym)))
	b.WriteString(addr)
	if note != "" {
		b.WriteString("  # ")
		b.WriteString(note)
	}
	b.WriteByte('\n')
}

func notes(r plan.ResourceChange, tidy func(string) string) string {
	var ns []string
	if r.PreviousAddress != "" {
		ns = append(ns, "moved from "+tidy(r.PreviousAddress))
	}
	if r.Imported {
		ns = append(ns, "imported")
	}
	if r.Action == plan.Forget {
		ns = append(ns, "forgotten, not destroyed")
	}
	if r.Reason != "" {
		ns = append(ns, tidy(r.Reason))
	}
	return oneLine(strings.Join(ns, "; "))
}

// wildcardKeys replaces each instance key of a Terraform address with "*":
// module.app["a"].aws_s3_object.file[3] -> module.app[*].aws_s3_object.file[*].
// Keys are numbers or quoted strings, which may hold brackets.
func wildcardKeys(addr string) string {
	if !strings.Contains(addr, "[") {
		return addr
	}
	var b strings.Builder
	for i := 0; i < len(addr); i++ {
		if addr[i] != '[' {
			b.WriteByte(addr[i])
			continue
		}
		j := i + 1
		if j < len(addr) && addr[j] == '"' {
			for j++; j < len(addr) && addr[j] != '"'; j++ {
				if addr[j] == '\\' {
					j++
				}
			}
			j++
		}
		for j < len(addr) && addr[j] != ']' {
			j++
		}
		b.WriteString("[*]")
		i = j
	}
	return b.String()
}

// outputLines returns the changed outputs, one line each, in Terraform's
// notation: "+ name = value", "! name = old -> new", "- name = old -> null".
func outputLines(os []plan.OutputChange, tidy func(string) string, ms measure) string {
	sorted := make([]plan.OutputChange, 0, len(os))
	width := 0
	for _, o := range os {
		if o.Action == plan.NoOp || o.Action == plan.Read || o.Action == "" {
			continue
		}
		sorted = append(sorted, o)
		width = max(width, len(o.Name))
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	width = min(width, 40)
	var b strings.Builder
	for _, o := range sorted {
		before := outputValue(o.Before, false, o.Sensitive, tidy, ms)
		after := outputValue(o.After, o.AfterUnknown, o.Sensitive, tidy, ms)
		var value string
		switch {
		case o.Sensitive && o.Action != plan.Delete:
			value = sensitiveValue
		case o.Action == plan.Create:
			value = after
		case o.Action == plan.Delete:
			value = before + " -> null"
		default:
			value = before + " -> " + after
		}
		sym := symbols[o.Action]
		if sym == "" || sym == "-/+" {
			sym = "!"
		}
		name := tidy(oneLine(o.Name))
		b.WriteString(sym + " " + name + strings.Repeat(" ", max(0, width-len(name))) + " = " + value + "\n")
	}
	return b.String()
}

func outputValue(v json.RawMessage, unknown, sensitive bool, tidy func(string) string, ms measure) string {
	switch {
	case sensitive:
		return sensitiveValue
	case unknown:
		return "(known after apply)"
	case len(v) == 0:
		return "null"
	}
	var c bytes.Buffer
	if json.Compact(&c, v) == nil {
		v = c.Bytes()
	}
	return shorten(tidy(oneLine(string(v))), ms, maxValue)
}

// shorten cuts s to at most most characters, ending it with "…" when cut.
func shorten(s string, ms measure, most int) string {
	if ms.of(s) <= most {
		return s
	}
	b := block{ms: ms}
	return b.prefix(s, most-ms.of("…")) + "…"
}

// inventoryLines returns the inventory change, one line per key, sorted by
// key, in the notation of outputLines; "?" marks a value known only after
// apply.
func inventoryLines(ls []InventoryLine, tidy func(string) string, ms measure) string {
	sorted := append([]InventoryLine(nil), ls...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	width := 0
	for _, l := range sorted {
		width = max(width, len(l.Key))
	}
	width = min(width, 40)
	var b strings.Builder
	for _, l := range sorted {
		val := func(s string) string {
			if s == "" {
				return "null"
			}
			return shorten(tidy(oneLine(s)), ms, maxValue)
		}
		var sym, value string
		switch {
		case l.Kind == Unknown:
			sym, value = "?", "(known after apply)"
		case l.Sensitive && l.Kind == Removed:
			sym, value = "-", sensitiveValue+" -> null"
		case l.Sensitive:
			sym, value = symbolOf(l.Kind), sensitiveValue
		case l.Kind == Added:
			sym, value = "+", val(l.After)
		case l.Kind == Removed:
			sym, value = "-", val(l.Before)+" -> null"
		default:
			sym, value = "!", val(l.Before)+" -> "+val(l.After)
		}
		key := tidy(oneLine(l.Key))
		b.WriteString(sym + " " + key + strings.Repeat(" ", max(0, width-len(key))) + " = " + value + "\n")
	}
	return b.String()
}

func symbolOf(k LineKind) string {
	switch k {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return "!"
}

// uncheckedLines lists the values a plan did not check, one per line:
// "path: why".
func uncheckedLines(us []plan.Unchecked, tidy func(string) string) string {
	var b strings.Builder
	for _, u := range us {
		b.WriteString(tidy(u.Name) + ": " + tidy(u.Reason) + "\n")
	}
	return b.String()
}
