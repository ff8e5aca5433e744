package runnertest

import (
	"strings"
	"unicode"
)

// Command is one workflow command the runner carries out.
type Command struct {
	// Name is the command, lower case ("add-mask", "stop-commands"), or the
	// token of a stop-commands that this line resumed.
	Name string
	// Data is what follows the command.
	Data string
	// Resume is set when the line resumed commands stopped by
	// stop-commands.
	Resume bool
}

// known are the commands the runner carries out (its command extensions),
// besides stop-commands.
var known = map[string]bool{
	"set-env": true, "set-output": true, "save-state": true, "add-mask": true, "add-path": true,
	"add-matcher": true, "remove-matcher": true, "warning": true, "error": true, "notice": true,
	"debug": true, "group": true, "endgroup": true, "echo": true,
}

// Commands returns, in order, the workflow commands the runner carries out
// when log is its step's output. It follows the runner: a line ends at
// "\n", "\r" or "\r\n"; a command is "::name props::data" at the start of a
// line (after blanks) or "##[name props]data" anywhere in one; command
// names are matched without regard to case; after
// "::stop-commands::<token>" no command is carried out until the line
// "::<token>::" (or "##[<token>]"), which resumes them.
func Commands(log string) []Command {
	var out []Command
	stopped, token := false, ""
	for _, line := range lines(log) {
		registered := func(name string) bool {
			n := strings.ToLower(name)
			return known[n] || n == "stop-commands" || (stopped && n == token)
		}
		name, data, ok := parse(line, registered)
		if !ok {
			continue
		}
		lower := strings.ToLower(name)
		switch {
		case stopped:
			if lower == token {
				out = append(out, Command{Name: lower, Resume: true})
				stopped, token = false, ""
			}
		case lower == "stop-commands":
			out = append(out, Command{Name: lower, Data: data})
			stopped, token = true, strings.ToLower(data)
		default:
			out = append(out, Command{Name: lower, Data: data})
		}
	}
	return out
}

// Foreign returns the commands in log other than those ours reports as the
// program's own (such as its groups and masks) and the stop-commands fences.
func Foreign(log string, ours func(Command) bool) []Command {
	var out []Command
	for _, c := range Commands(log) {
		if c.Resume || c.Name == "stop-commands" || ours(c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// lines splits text as .NET's StreamReader.ReadLine does.
func lines(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			out = append(out, text[start:i])
			start = i + 1
		case '\r':
			out = append(out, text[start:i])
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// parse reads one line in the new form and, when that gives no
// registered command, in the old one, as the runner does.
func parse(line string, registered func(string) bool) (name, data string, ok bool) {
	if t := strings.TrimLeftFunc(line, unicode.IsSpace); strings.HasPrefix(t, "::") {
		if end := strings.Index(t[2:], "::"); end >= 0 {
			name, _, _ = strings.Cut(t[2:2+end], " ")
			if registered(name) {
				return name, t[2+end+2:], true
			}
		}
	}
	if i := strings.Index(line, "##["); i >= 0 {
		rest := line[i+3:]
		if j := strings.IndexByte(rest, ']'); j >= 0 {
			name, _, _ = strings.Cut(rest[:j], " ")
			if registered(name) {
				return name, rest[j+1:], true
			}
		}
	}
	return "", "", false
}
