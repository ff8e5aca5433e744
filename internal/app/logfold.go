package app

import (
	"bytes"
	"io"
	"log/slog"
	"slices"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/redact"
)

// folder gives each stack its own log. In CI, where stacks run in parallel
// and a group cannot interleave with another, a stack's log (Terraform's and
// Helm's own output included) is kept until the stack is done and then
// written in one collapsible group, with every secret the stack learnt
// masked. Progress lines (stack started, finished) go to the main log at
// once. Locally every line goes out at once.
type folder struct {
	main   *slog.Logger
	fold   bool
	runner CIRunner
	out    io.Writer
	format string

	mu   sync.Mutex // guards bufs, and keeps flushed groups whole
	bufs map[plan.Stack]*lockedBuffer
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// logger returns the stack's logger; the stages add the stack attribute.
func (f *folder) logger(s plan.Stack) *slog.Logger {
	if !f.fold {
		return f.main
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.bufs[s]
	if !ok {
		b = &lockedBuffer{}
		f.bufs[s] = b
	}
	return newLogger(b, f.format)
}

// flush writes the stack's kept log in a group, masking the secrets.
func (f *folder) flush(s plan.Stack, title string, secrets []string) {
	if !f.fold {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.bufs[s]
	if !ok {
		return
	}
	delete(f.bufs, s)
	b.mu.Lock()
	text := b.buf.String()
	b.mu.Unlock()
	// The runner masks them too, from here on: registered before the log
	// is written, not while a fence in it stops commands.
	for _, secret := range uniqueSecrets(secrets) {
		_ = f.runner.AddMask(secret)
	}
	_ = f.runner.Group(title)
	_, _ = io.WriteString(f.out, redact.New(secrets...).String(text))
	_ = f.runner.EndGroup()
}

// addMasks registers every secret the outcomes learnt with the runner
// (GitHub's ::add-mask::), so that it masks them in the rest of the job
// log, whoever prints them.
func addMasks(r CIRunner, outcomes []*stackOutcome) {
	var all []string
	for _, o := range outcomes {
		all = append(all, secretsOf(o.results)...)
	}
	for _, secret := range uniqueSecrets(all) {
		_ = r.AddMask(secret)
	}
}

// uniqueSecrets returns the secrets sorted, without duplicates and empty
// values.
func uniqueSecrets(secrets []string) []string {
	out := slices.Clone(secrets)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	return out
}

// secretsOf collects the secrets of results.
func secretsOf(results []plan.Result) []string {
	var out []string
	for _, r := range results {
		out = append(out, r.Secrets...)
	}
	return out
}
