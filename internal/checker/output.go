package checker

import (
	"bytes"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/check"
)

// Default bounds on what is kept of a checker's output.
const (
	DefaultMaxLines = 200
	DefaultMaxBytes = 64 << 10
)

// boundedOutput keeps the first lines and bytes written to it and counts
// the rest.
type boundedOutput struct {
	mu                 sync.Mutex
	maxLines, maxBytes int
	kept               bytes.Buffer
	keptLines          int
	full               bool
	total              int64
	lines              int
	lastNewline        bool
}

func newBoundedOutput(maxLines, maxBytes int) *boundedOutput {
	return &boundedOutput{maxLines: maxLines, maxBytes: maxBytes, lastNewline: true}
}

func (o *boundedOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.total += int64(len(p))
	o.lines += bytes.Count(p, []byte{'\n'})
	if len(p) > 0 {
		o.lastNewline = p[len(p)-1] == '\n'
	}
	for rest := p; len(rest) > 0 && !o.full; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		room := o.maxBytes - o.kept.Len()
		if room <= 0 || o.keptLines >= o.maxLines {
			o.full = true
			break
		}
		if len(line) > room {
			line = line[:room]
			o.full = true
		}
		o.kept.Write(line)
		if line[len(line)-1] == '\n' {
			o.keptLines++
		}
		rest = rest[len(line):]
	}
	return len(p), nil
}

// result returns what was kept and the counts.
func (o *boundedOutput) result() check.Output {
	o.mu.Lock()
	defer o.mu.Unlock()
	lines := o.lines
	if !o.lastNewline {
		lines++ // an unfinished last line
	}
	return check.Output{Text: o.kept.String(), Lines: lines, Bytes: o.total, Truncated: int64(o.kept.Len()) < o.total}
}
