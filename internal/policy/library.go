package policy

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Library compiles each distinct list of policy directories once per run
// and hands out the Evaluator to every stack that uses that list (a tier's
// policies: with {environment} give one list per environment). It is safe
// for concurrent use; a stack asking for a list another stack is compiling
// waits for it.
type Library struct {
	root    string
	timeout time.Duration

	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	once sync.Once
	e    *Evaluator
	err  error
}

// NewLibrary returns a Library of the policies in the repository at root
// (absolute); timeout bounds each Check (zero: DefaultTimeout).
func NewLibrary(root string, timeout time.Duration) *Library {
	return &Library{root: root, timeout: timeout, entries: map[string]*entry{}}
}

// Evaluator returns the Evaluator of dirs, loading and compiling them on
// first use. An empty list returns an Evaluator that checks nothing. The
// same error is returned to every caller of a list that failed.
func (l *Library) Evaluator(ctx context.Context, dirs []string) (*Evaluator, error) {
	if len(dirs) == 0 {
		return &Evaluator{}, nil
	}
	key := strings.Join(dirs, "\x00")
	l.mu.Lock()
	en := l.entries[key]
	if en == nil {
		en = &entry{}
		l.entries[key] = en
	}
	l.mu.Unlock()
	en.once.Do(func() {
		en.e, en.err = Load(context.WithoutCancel(ctx), Options{Root: l.root, Dirs: dirs, Timeout: l.timeout})
	})
	return en.e, en.err
}
