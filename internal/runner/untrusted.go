package runner

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"sync"
)

// UntrustedWriter writes text that the GitHub runner must never read as a
// workflow command: plans, diffs, live cluster values and tool output that
// a pull request or a cluster editor controls. The runner reads a command
// from any line of the job log, standard output or error, that starts with
// "::" after blanks (::add-mask::, ::stop-commands::, ::error ...), and
// from any line that holds "##[" (the old form). Each Write that could hold
// one, alone or with the end of the line before it, is fenced: written
// between "::stop-commands::<token>" and "::<token>::" in one piece, with a
// fresh random token it does not contain, so that nothing in it is obeyed;
// other writes pass through unchanged, so the log keeps its lines.
//
// A Write must not hold a partial command that a later Write completes
// beyond its first two bytes (loggers and the report write whole lines).
// An UntrustedWriter is safe for concurrent use; it writes only to w.
type UntrustedWriter struct {
	mu   sync.Mutex
	w    io.Writer
	rand io.Reader
	// tail is the end (at most two bytes) of the line written last when it
	// has no line end yet; midLine says there is such a line.
	tail    []byte
	midLine bool
}

var _ io.Writer = (*UntrustedWriter)(nil)

// NewUntrustedWriter returns a writer that fences what it writes to w. rnd
// makes the tokens; nil means crypto/rand.
func NewUntrustedWriter(w io.Writer, rnd io.Reader) *UntrustedWriter {
	if rnd == nil {
		rnd = rand.Reader
	}
	return &UntrustedWriter{w: w, rand: rnd}
}

// Write writes p, fenced when it could hold a command. It returns len(p)
// unless writing to the underlying writer fails.
func (u *UntrustedWriter) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !mayHoldCommand(u.tail, p) {
		if _, err := u.w.Write(p); err != nil {
			return 0, err
		}
		u.remember(p)
		return len(p), nil
	}
	tok, err := fenceToken(u.rand, p)
	if err != nil {
		return 0, err
	}
	var b bytes.Buffer
	b.Grow(len(p) + 2*len(tok) + 32)
	if u.midLine {
		b.WriteByte('\n') // the fence must start a line of its own
	}
	b.WriteString("::stop-commands::" + tok + "\n")
	b.Write(p)
	if !endsLine(p) {
		b.WriteByte('\n')
	}
	b.WriteString("::" + tok + "::\n")
	if _, err := u.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	u.tail, u.midLine = u.tail[:0], false
	return len(p), nil
}

// remember keeps the end of the last line written, when it has no end.
func (u *UntrustedWriter) remember(p []byte) {
	if len(p) == 0 {
		return
	}
	if i := bytes.LastIndexAny(p, "\r\n"); i >= 0 {
		u.tail = append(u.tail[:0], p[i+1:]...)
	} else {
		u.tail = append(u.tail, p...)
	}
	if n := len(u.tail); n > 2 {
		u.tail = append(u.tail[:0], u.tail[n-2:]...)
	}
	u.midLine = !endsLine(p)
}

// mayHoldCommand reports whether p, after the end of the line before it,
// may hold a workflow command in either form. It errs on the side of
// fencing: any "::" counts, not only one at the start of a line.
func mayHoldCommand(tail, p []byte) bool {
	if bytes.Contains(p, []byte("::")) || bytes.Contains(p, []byte("##[")) {
		return true
	}
	if len(tail) == 0 {
		return false
	}
	head := p[:min(len(p), 2)]
	joined := append(append([]byte(nil), tail...), head...)
	return bytes.Contains(joined, []byte("::")) || bytes.Contains(joined, []byte("##["))
}

// endsLine reports whether p ends with a line end; the runner ends a line
// at "\n", "\r" or "\r\n".
func endsLine(p []byte) bool {
	return len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r')
}

// fenceToken returns a random token that p does not contain.
func fenceToken(rnd io.Reader, p []byte) (string, error) {
	for range 3 {
		b := make([]byte, 16)
		if _, err := io.ReadFull(rnd, b); err != nil {
			return "", fmt.Errorf("make a stop-commands token: %w", err)
		}
		tok := fmt.Sprintf("tierdeploy_%x", b)
		if !bytes.Contains(bytes.ToLower(p), []byte(tok)) {
			return tok, nil
		}
	}
	return "", fmt.Errorf("make a stop-commands token: the text holds every token tried")
}
