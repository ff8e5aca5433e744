package terraform

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
)

// fakeRunner records the commands a stage runs and answers them from
// replies, keyed by the command's first words ("init", "plan", "show
// -json", "show", "apply", "output", "workspace select"). A command without
// a reply exits 0 and prints nothing.
type fakeRunner struct {
	replies map[string]reply

	mu    sync.Mutex
	calls []invocation
}

// reply is what a fake command prints and its exit status.
type reply struct {
	stdout, stderr string
	code           int
	err            error
}

var _ runner = (*fakeRunner)(nil)

func (f *fakeRunner) run(_ context.Context, inv invocation) (int, error) {
	f.mu.Lock()
	f.calls = append(f.calls, inv)
	f.mu.Unlock()
	r := f.replies[commandKey(inv.args)]
	io.WriteString(inv.stdout, r.stdout)
	io.WriteString(inv.stderr, r.stderr)
	return r.code, r.err
}

// commandKey returns the subcommand of args with its first flag for show.
func commandKey(args []string) string {
	switch {
	case len(args) >= 2 && args[0] == "show" && args[1] == "-json":
		return "show -json"
	case len(args) >= 2 && args[0] == "workspace":
		return "workspace " + args[1]
	case len(args) > 0:
		return args[0]
	}
	return ""
}

// commands returns the argv of every recorded command, one string each.
func (f *fakeRunner) commands() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.calls))
	for i, c := range f.calls {
		out[i] = strings.Join(c.args, " ")
	}
	return out
}

// uiLines returns JSON UI messages of the given types and texts, as
// plan -json prints them.
func uiLines(messages ...string) string {
	var b strings.Builder
	for _, m := range messages {
		fmt.Fprintf(&b, `{"@level":"info","@message":%q,"@module":"tofu.ui","@timestamp":"2026-11-25T12:00:00Z","type":"log"}`+"\n", m)
	}
	return b.String()
}
