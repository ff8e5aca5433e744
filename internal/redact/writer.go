package redact

import (
	"bytes"
	"io"
	"sync"
)

// maxPending is how many bytes of a line the Writer holds back at most while
// it waits for the end of the line; a longer line is written in pieces, cut
// where no secret can straddle the cut.
const maxPending = 64 << 10

// Writer masks secrets in a stream of text line by line before passing it
// on. It holds back a partial line until its end arrives (and, when a secret
// spans several lines, as many lines as it spans), so a secret split across
// two writes is still masked. Close writes what is held back. A Writer is
// safe for concurrent use (writes are serialized); create one with
// NewWriter.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	m   *Masker
	buf []byte
	// lastNL is the index of the buffer's last newline, -1 when it has none.
	lastNL int
}

// NewWriter returns a Writer that masks m's secrets in what it writes to w.
func NewWriter(w io.Writer, m *Masker) *Writer {
	return &Writer{w: w, m: m, lastNL: -1}
}

var _ io.WriteCloser = (*Writer)(nil)

// Write masks and writes every complete line it can, and holds back the
// rest. It returns len(p) unless writing to the underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil || w.m.m == nil {
		return w.w.Write(p)
	}
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		w.lastNL = len(w.buf) + i
	}
	w.buf = append(w.buf, p...)
	if err := w.flush(w.cut()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes whatever is held back, masked. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush(len(w.buf))
}

// cut returns how many bytes of the buffer can be written now: no secret
// that starts before the cut can end after the buffer, and none straddles
// the cut.
func (w *Writer) cut() int {
	cut := 0
	if w.lastNL >= 0 {
		cut = w.lastNL + 1
		// Hold back as many complete lines as a secret may span newlines.
		for n := w.m.maxLines; n > 0 && cut > 0; n-- {
			cut = bytes.LastIndexByte(w.buf[:cut-1], '\n') + 1
		}
	}
	if len(w.buf)-cut > maxPending {
		cut = max(cut, len(w.buf)-w.m.maxLen+1)
	}
	if cut <= 0 {
		return 0
	}
	for _, sp := range w.m.m.spans(string(w.buf)) {
		if sp.start < cut && cut < sp.end {
			return sp.start
		}
	}
	return cut
}

// flush masks and writes the first n bytes of the buffer.
func (w *Writer) flush(n int) error {
	if n == 0 {
		return nil
	}
	out := w.m.String(string(w.buf[:n]))
	rest := copy(w.buf, w.buf[n:])
	w.buf = w.buf[:rest]
	w.lastNL = bytes.LastIndexByte(w.buf, '\n')
	_, err := io.WriteString(w.w, out)
	return err
}
