package redact

import (
	"context"
	"log/slog"
)

// Handler is a log/slog handler that masks secrets in each record's message
// and attribute values (strings, errors, numbers and anything else by its
// text, groups member by member) before passing the record on. Attribute
// keys are left alone: they are the program's own words.
type Handler struct {
	h slog.Handler
	m *Masker
}

var _ slog.Handler = (*Handler)(nil)

// NewHandler returns a handler that masks m's secrets in what it passes to
// h. When m masks nothing it returns h itself.
func NewHandler(h slog.Handler, m *Masker) slog.Handler {
	if m == nil || m.m == nil {
		return h
	}
	return &Handler{h: h, m: m}
}

// Enabled reports whether the wrapped handler handles records at level.
func (h *Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.h.Enabled(ctx, level)
}

// Handle masks the record and passes it on.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.m.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

// WithAttrs masks the attributes and adds them to the wrapped handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = h.attr(a)
	}
	return &Handler{h: h.h.WithAttrs(masked), m: h.m}
}

// WithGroup opens a group in the wrapped handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{h: h.h.WithGroup(name), m: h.m}
}

// attr returns a with its value masked.
func (h *Handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		g := v.Group()
		masked := make([]any, len(g))
		for i, m := range g {
			masked[i] = h.attr(m)
		}
		return slog.Group(a.Key, masked...)
	case slog.KindString:
		return slog.String(a.Key, h.m.String(v.String()))
	case slog.KindBool:
		return slog.Attr{Key: a.Key, Value: v}
	}
	// Numbers, durations, times, errors and other values: by their text,
	// which is what a handler prints.
	text := v.String()
	if err, ok := v.Any().(error); ok && err != nil {
		text = err.Error()
	}
	if !h.m.Contains(text) {
		return slog.Attr{Key: a.Key, Value: v}
	}
	return slog.String(a.Key, h.m.String(text))
}
