package helm

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// progressInterval is how often Apply logs that it is still waiting.
var progressInterval = 10 * time.Second

// progress remembers the object Helm last said it is waiting for.
type progress struct {
	mu      sync.Mutex
	waiting string
}

func (p *progress) set(s string) {
	p.mu.Lock()
	p.waiting = s
	p.mu.Unlock()
}

func (p *progress) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waiting
}

// helmHandler returns the handler for Helm's own log: it passes records
// on to the stage's log at the level the log accepts (Helm logs most
// things at debug), and notes which object a wait is stuck on.
func (s *Stage) helmHandler() slog.Handler {
	return &helmHandler{next: s.log.Handler(), progress: s.progress}
}

type helmHandler struct {
	next     slog.Handler
	progress *progress
}

// Enabled is always true: waiting messages come at debug level and are
// needed for the progress lines even when debug is off.
func (h *helmHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *helmHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == "waiting for resource" {
		var kind, ns, name, status string
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "kind":
				kind = a.Value.String()
			case "namespace":
				ns = a.Value.String()
			case "name":
				name = a.Value.String()
			case "actualStatus":
				status = a.Value.String()
			}
			return true
		})
		w := kind + "/" + name
		if ns != "" {
			w = kind + "/" + ns + "/" + name
		}
		h.progress.set(w + " (" + status + ")")
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *helmHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &helmHandler{next: h.next.WithAttrs(as), progress: h.progress}
}

func (h *helmHandler) WithGroup(name string) slog.Handler {
	return &helmHandler{next: h.next.WithGroup(name), progress: h.progress}
}

// reportProgress logs every progressInterval, until stop is called, that
// the release is still being deployed and which object Helm waits for.
func (s *Stage) reportProgress(ctx context.Context, what string, timeout time.Duration) (stop func()) {
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				attrs := []any{"elapsed", time.Since(start).Round(time.Second), "timeout", timeout}
				if w := s.progress.get(); w != "" {
					attrs = append(attrs, "waiting_for", w)
				}
				s.log.InfoContext(ctx, "helm "+what+" in progress", attrs...)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
