package terraform

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
)

// lineWriter calls fn with each line written to it, without the line end.
// Close passes on a last line that has no line end.
type lineWriter struct {
	mu  sync.Mutex
	buf []byte
	fn  func(line string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			break
		}
		w.fn(strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

// Close passes on what is left.
func (w *lineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.fn(string(w.buf))
		w.buf = nil
	}
	return nil
}

// tailLines is how many lines of standard error a CommandError keeps.
const tailLines = 40

// output collects what one command says: its lines go to the log as they
// come, and the errors it reports are kept for the CommandError.
type output struct {
	ctx context.Context
	log *slog.Logger

	mu          sync.Mutex
	diagnostics []string
	lock        *LockInfo
	stderr      []string
}

func newOutput(ctx context.Context, log *slog.Logger) *output {
	return &output{ctx: context.WithoutCancel(ctx), log: log}
}

// text logs one line of human-readable output.
func (o *output) text(line string) {
	if strings.TrimSpace(line) != "" {
		o.log.InfoContext(o.ctx, line)
	}
}

// errText logs and keeps one line of standard error.
func (o *output) errText(line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	o.log.WarnContext(o.ctx, line, "stream", "stderr")
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stderr = append(o.stderr, line)
	if len(o.stderr) > tailLines {
		o.stderr = o.stderr[len(o.stderr)-tailLines:]
	}
}

// jsonUI logs one message of Terraform's machine-readable UI (-json) and
// keeps the error diagnostics. A line that is not such a message is logged
// as text.
func (o *output) jsonUI(line string) {
	if !strings.HasPrefix(line, "{") {
		o.text(line)
		return
	}
	msg, err := tfjson.UnmarshalLogMessage([]byte(line))
	if err != nil {
		o.text(line)
		return
	}
	text := strings.TrimSpace(msg.Message())
	var d tfjson.DiagnosticLogMessage
	switch m := msg.(type) {
	case tfjson.DiagnosticLogMessage:
		d = m
	case *tfjson.DiagnosticLogMessage:
		d = *m
	default:
		if text != "" {
			o.log.Log(o.ctx, level(msg.Level()), text)
		}
		return
	}
	attrs := []any{}
	if at := position(d.Diagnostic); at != "" {
		attrs = append(attrs, "at", at)
	}
	if d.Address != "" {
		attrs = append(attrs, "address", d.Address)
	}
	if d.Detail != "" {
		attrs = append(attrs, "detail", d.Detail)
	}
	o.log.Log(o.ctx, level(msg.Level()), text, attrs...)
	if d.Severity != tfjson.DiagnosticSeverityError {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.diagnostics = append(o.diagnostics, diagnosticLine(d.Diagnostic))
	if d.Summary == lockSummary {
		info := parseLockInfo(d.Detail)
		o.lock = &info
	}
}

// lockSummary is the summary of the diagnostic Terraform and OpenTofu report
// when the state lock could not be acquired.
const lockSummary = "Error acquiring the state lock"

// failure returns the error for a command that exited with code.
func (o *output) failure(command string, code int, lockTimeout time.Duration) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	ce := &CommandError{
		Command:     command,
		ExitCode:    code,
		Diagnostics: append([]string(nil), o.diagnostics...),
		Stderr:      strings.Join(o.stderr, "\n"),
	}
	if o.lock == nil {
		o.lock = humanLock(o.stderr)
	}
	if o.lock != nil {
		return &LockError{Timeout: lockTimeout, Info: *o.lock, Err: ce}
	}
	return ce
}

// planFailure returns the error of a plan run without -json: its
// diagnostics are read back from standard error, for the same one-line form
// as those of -json ("file:line: summary: detail").
func (o *output) planFailure(code int, lockTimeout time.Duration) error {
	o.mu.Lock()
	if len(o.diagnostics) == 0 {
		o.diagnostics = humanDiagnostics(o.stderr)
	}
	o.mu.Unlock()
	return o.failure("plan", code, lockTimeout)
}

// humanDiagnostics reads the error diagnostics of standard error as
// Terraform prints them for people without colour: "Error: summary", the
// place ("on main.tf line 2, in ...:") and the source lines indented, then
// the detail at the left margin (blank lines are not kept). They are shown
// to people only; nothing is decided from them.
func humanDiagnostics(stderr []string) []string {
	var out []string
	var summary, at, detail string
	flush := func() {
		if summary == "" {
			return
		}
		line := summary
		if at != "" {
			line = at + ": " + line
		}
		if detail != "" {
			line += ": " + detail
		}
		out = append(out, line)
		summary, at, detail = "", "", ""
	}
	for _, l := range stderr {
		trimmed := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "Error: "):
			flush()
			summary = strings.TrimPrefix(l, "Error: ")
		case strings.HasPrefix(l, "Warning: "):
			flush()
		case summary == "":
		case strings.HasPrefix(l, " "):
			if f := strings.Fields(trimmed); at == "" && len(f) >= 4 && f[0] == "on" && f[2] == "line" {
				at = f[1] + ":" + strings.TrimRight(f[3], ",:")
			}
		default:
			detail = strings.TrimSpace(detail + " " + trimmed)
		}
	}
	flush()
	return out
}

// humanLock finds the lock diagnostic in standard error as a command
// without -json prints it ("Error: Error acquiring the state lock", the
// detail below, framed or not), and reads its lock record.
func humanLock(stderr []string) *LockInfo {
	for i, l := range stderr {
		if strings.TrimSpace(strings.TrimLeft(l, "│╷╵ ")) == "Error: "+lockSummary {
			var detail strings.Builder
			for _, d := range stderr[i+1:] {
				detail.WriteString(strings.TrimPrefix(strings.TrimPrefix(d, "│"), " ") + "\n")
			}
			info := parseLockInfo(detail.String())
			return &info
		}
	}
	return nil
}

// diagnosticLine renders a diagnostic on one line: "file:line: summary:
// detail".
func diagnosticLine(d tfjson.Diagnostic) string {
	var b strings.Builder
	if at := position(d); at != "" {
		b.WriteString(at + ": ")
	}
	if d.Address != "" {
		b.WriteString(d.Address + ": ")
	}
	b.WriteString(d.Summary)
	if detail := strings.Join(strings.Fields(d.Detail), " "); detail != "" {
		b.WriteString(": " + detail)
	}
	return b.String()
}

// position returns "file:line" of a diagnostic, or "".
func position(d tfjson.Diagnostic) string {
	if d.Range == nil || d.Range.Filename == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", d.Range.Filename, d.Range.Start.Line)
}

// level maps Terraform's message levels to slog's.
func level(l tfjson.LogMessageLevel) slog.Level {
	switch l {
	case tfjson.Error:
		return slog.LevelError
	case tfjson.Warn:
		return slog.LevelWarn
	case tfjson.Debug, tfjson.Trace:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// parseLockInfo reads the lock holder's record from the detail of a lock
// diagnostic, where Terraform prints it as "Key: value" lines after "Lock
// Info:". There is no structured form of it.
func parseLockInfo(detail string) LockInfo {
	var info LockInfo
	fields := map[string]*string{
		"ID": &info.ID, "Path": &info.Path, "Operation": &info.Operation, "Who": &info.Who,
		"Version": &info.Version, "Created": &info.Created, "Info": &info.Info,
	}
	_, rest, ok := strings.Cut(detail, "Lock Info:")
	if !ok {
		return info
	}
	for line := range strings.SplitSeq(rest, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			if strings.TrimSpace(line) == "" && info.ID != "" {
				break
			}
			continue
		}
		if p, known := fields[k]; known && *p == "" {
			*p = strings.TrimSpace(v)
		}
	}
	return info
}
