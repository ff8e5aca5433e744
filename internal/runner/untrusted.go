package runner

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// UntrustedWriter writes text that the GitHub runner must never read as a
// workflow command: plans, diffs, live cluster values and tool output that
// a pull request or a cluster editor controls. The runner reads a command
// from any line of the step's output (standard output or error) that
// starts with "::" after blanks (::add-mask::, ::stop-commands::, ::error
// ...), and from any line that holds "##[" (the old form); a line ends at
// "\n", "\r" or "\r\n". Each Write that holds such a line, alone or with
// the part of the line written before it, is fenced: written between
// "::stop-commands::<token>" and "::<token>::" in one piece, with a fresh
// random token it does not contain, so that nothing in it is obeyed. Other
// writes pass through unchanged, so the log keeps its lines and JSON on
// standard output stays JSON.
//
// An UntrustedWriter is safe for concurrent use; it writes only to w.
type UntrustedWriter struct {
	mu   sync.Mutex
	w    io.Writer
	rand io.Reader
	// line is what matters of the line written last when it has no end.
	line lineState
}

// lineState is what the runner will have read of an unfinished line:
// whether there is one (mid); while it is not yet known whether the line
// starts with "::" after blanks, what follows its blanks (lead, at most a
// few bytes: a rune cut between writes, or a lone ":"), and once it is
// known, whether it does (command); and its last two bytes (tail).
type lineState struct {
	mid, known, command bool
	lead, tail          []byte
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

// Write writes p, fenced when a line of it could be a command. It returns
// len(p) unless writing to the underlying writer fails.
func (u *UntrustedWriter) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	next, command := u.line.scan(p)
	if !command {
		if _, err := u.w.Write(p); err != nil {
			return 0, err
		}
		u.line = next
		return len(p), nil
	}
	tok, err := fenceToken(u.rand, p)
	if err != nil {
		return 0, err
	}
	var b bytes.Buffer
	b.Grow(len(p) + 2*len(tok) + 32)
	if u.line.mid {
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
	u.line = lineState{}
	return len(p), nil
}

// scan reads p as the continuation of the line st describes. It returns
// the state after p, and whether a line p writes to could be a command.
func (st lineState) scan(p []byte) (lineState, bool) {
	cur := lineState{}
	if st.mid {
		cur = st
		cur.lead, cur.tail = slices.Clone(st.lead), slices.Clone(st.tail)
	}
	command := false
	for {
		seg, rest, ended := p, []byte(nil), false
		if i := bytes.IndexAny(p, "\r\n"); i >= 0 {
			seg, rest, ended = p[:i], p[i+1:], true
		}
		if !cur.known {
			lead := bytes.TrimLeftFunc(append(cur.lead, seg...), blank)
			switch {
			case len(lead) == 0, !utf8.FullRune(lead), len(lead) == 1 && lead[0] == ':':
				// Blanks so far, a rune cut short, or a lone ":": the next
				// write decides.
				cur.lead = slices.Clone(lead)
			default:
				cur.known, cur.command, cur.lead = true, bytes.HasPrefix(lead, []byte("::")), nil
			}
		}
		joined := append(slices.Clone(cur.tail), seg...)
		if cur.command || bytes.Contains(joined, []byte("##[")) {
			command = true
		}
		cur.tail = joined[max(0, len(joined)-2):]
		if !ended {
			cur.mid = cur.mid || len(seg) > 0
			return cur, command
		}
		cur, p = lineState{}, rest
		if len(p) == 0 {
			return cur, command
		}
	}
}

// blank reports whether the runner skips r at the start of a line (.NET's
// white space: Go's, and the Unicode space separators).
func blank(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp)
}

// endsLine reports whether p ends with a line end.
func endsLine(p []byte) bool {
	return len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r')
}

// fenceToken returns a random token that p does not contain, in any case.
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
