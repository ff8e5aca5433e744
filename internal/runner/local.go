package runner

import (
	"fmt"
	"io"
	"maps"
	"os"

	"github.com/tierdeploy/tierdeploy/internal/termtext"
)

// LocalOptions configures a Local runner.
type LocalOptions struct {
	// Stderr receives group titles and annotations; nil means os.Stderr.
	Stderr io.Writer
}

// Local is the runner outside CI: group titles and annotations go to
// standard error as plain text, outputs are kept for the caller to print,
// and the rest does nothing.
type Local struct {
	w       io.Writer
	outputs map[string]string
}

// NewLocal returns a Local runner.
func NewLocal(o LocalOptions) *Local {
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	return &Local{w: o.Stderr, outputs: map[string]string{}}
}

// Group prints the title as a heading line, safe for a terminal
// (termtext.Line).
func (l *Local) Group(title string) error {
	if _, err := fmt.Fprintf(l.w, "==> %s\n", termtext.Line(title)); err != nil {
		return fmt.Errorf("write group title: %w", err)
	}
	return nil
}

// EndGroup does nothing.
func (l *Local) EndGroup() error { return nil }

// AddMask does nothing: nothing outside the process reads masks locally.
func (l *Local) AddMask(string) error { return nil }

// Annotate prints a "file:line:col: level: message" line.
func (l *Local) Annotate(a Annotation) error {
	if _, err := io.WriteString(l.w, plainAnnotation(a)); err != nil {
		return fmt.Errorf("write annotation: %w", err)
	}
	return nil
}

// AppendSummary does nothing: locally the report itself goes to standard
// output or a file, which the caller writes.
func (l *Local) AppendSummary(string) (bool, error) { return false, nil }

// SetOutput records an output; Outputs returns them.
func (l *Local) SetOutput(name, value string) error {
	l.outputs[name] = value
	return nil
}

// Outputs returns a copy of the outputs set so far.
func (l *Local) Outputs() map[string]string { return maps.Clone(l.outputs) }
