package helm

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"k8s.io/cli-runtime/pkg/resource"
)

// progressInterval is how often Apply logs that it is still waiting.
var progressInterval = 10 * time.Second

// progress remembers, per object, what Helm last said it waits for.
type progress struct {
	mu sync.Mutex
	// waiting maps kind/namespace/name to the object's status and when it
	// was said.
	waiting map[string]said
	seq     int
}

type said struct {
	status string
	seq    int
}

// set records that Helm waits for the object at addr, in status.
func (p *progress) set(addr, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.waiting == nil {
		p.waiting = map[string]said{}
	}
	p.seq++
	p.waiting[addr] = said{status: status, seq: p.seq}
}

// forget drops the object at addr, whose wait has ended: when several
// waits run at once (jobwait.go), the last message may come from one that
// is over, and the one before it says what is still waited for.
func (p *progress) forget(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.waiting, addr)
}

// get returns the object Helm last said it waits for, with its status,
// or "".
func (p *progress) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var addr string
	var last said
	for a, s := range p.waiting {
		if s.seq > last.seq {
			addr, last = a, s
		}
	}
	if addr == "" {
		return ""
	}
	return addr + " (" + last.status + ")"
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
		h.progress.set(w, status)
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

// jobWaited takes a Job whose own wait has ended off the progress line.
func (s *Stage) jobWaited(j *resource.Info) {
	kind := "Job"
	if j.Mapping != nil {
		kind = j.Mapping.GroupVersionKind.Kind
	}
	addr := kind + "/" + j.Name
	if j.Namespace != "" {
		addr = kind + "/" + j.Namespace + "/" + j.Name
	}
	s.progress.forget(addr)
}
