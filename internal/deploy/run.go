package deploy

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// run is what the stacks of one run of plan, apply or drift share: the
// stages' work directory, the binaries found, the inventories read.
type run struct {
	Deps
	cmd     Command
	console Console
	log     *slog.Logger
	now     func() time.Time
	// workDir holds plan files and data directories; cache is the provider
	// plugin cache shared by every Terraform stage.
	workDir string
	cache   string
	// commit is the commit the run is for, as stages may use it.
	commit string
	// head is the full hash of that commit, which the {commit}
	// placeholder of set values stands for.
	head string
	inv  *inventories

	binMu sync.Mutex
	bins  map[BinaryRequest]*binaryResult
	// used is the choice of binary of each stack whose Terraform stage was
	// built (Binary.Choice), for the report.
	used map[plan.Stack]string

	// masked are the secrets registered with the CI runner.
	maskMu sync.Mutex
	masked map[string]bool
}

type binaryResult struct {
	once sync.Once
	bin  Binary
	err  error
}

func newRun(d Deps, cmd Command, commit, workDir, cache string, reader InventoryReader) *run {
	r := &run{Deps: d, cmd: cmd, commit: commit, head: commit, workDir: workDir, cache: cache, log: d.Log, now: d.Now,
		inv: newInventories(reader), bins: map[BinaryRequest]*binaryResult{}, used: map[plan.Stack]string{}, masked: map[string]bool{}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.now == nil {
		r.now = time.Now
	}
	r.console = d.Console
	if r.console == nil {
		r.console = quietConsole{log: r.log}
	}
	return r
}

// begin shows the stacks the run goes through.
func (r *run) begin(stacks []tier.Stack) {
	keys := make([]plan.Stack, len(stacks))
	for i, s := range stacks {
		keys[i] = s.Key()
	}
	r.console.Begin(keys)
}

// do runs body for one stack, unless a prerequisite keeps it from running
// or the run was interrupted, and times and shows it.
func (r *run) do(ctx context.Context, s tier.Stack, before []*StackOutcome, body func(ctx context.Context, out *StackOutcome)) *StackOutcome {
	out := &StackOutcome{Stack: s}
	key := s.Key()
	if out.Skip = r.blocked(ctx, before); out.Skip != nil {
		r.console.Finished(key, out)
		return out
	}
	start := r.now()
	log := r.log.With("stack", key.String())
	log.Info(string(r.cmd)+" of stack started", "reasons", len(s.Reasons))
	r.console.Started(key)
	body(ctx, out)
	out.Duration = r.now().Sub(start)
	out.Tool = r.toolOf(key)
	attrs := []any{"duration", out.Duration.Round(time.Millisecond), "changes", out.HasChanges(), "failed", out.Failed()}
	if out.Skip != nil {
		attrs = append(attrs, "skipped", string(out.Skip.Reason))
	}
	log.Info(string(r.cmd)+" of stack done", attrs...)
	r.console.Finished(key, out)
	return out
}

// blocked returns why a stack cannot run after its prerequisites, or nil.
// A failed prerequisite blocks every command; apply also stops when a
// prerequisite was not applied, unless only because the inventory did not
// change (it was then up to date).
func (r *run) blocked(ctx context.Context, before []*StackOutcome) *Skip {
	for _, b := range before {
		if b.Failed() || b.Skipped(PrerequisiteFailed) {
			return &Skip{Reason: PrerequisiteFailed, Command: r.cmd, Stack: b.Stack.Key()}
		}
	}
	if r.cmd == CommandApply {
		for _, b := range before {
			if b.Skip != nil && b.Skip.Reason != InventoryUnchanged {
				return &Skip{Reason: PrerequisiteNotApplied, Command: r.cmd, Stack: b.Stack.Key()}
			}
		}
	}
	if ctx.Err() != nil {
		return &Skip{Reason: Interrupted, Command: r.cmd}
	}
	return nil
}

// quietConsole shows nothing; stages log to the run's log.
type quietConsole struct{ log *slog.Logger }

func (quietConsole) Begin([]plan.Stack)                 {}
func (c quietConsole) Logger(plan.Stack) *slog.Logger   { return c.log }
func (quietConsole) Started(plan.Stack)                 {}
func (quietConsole) Finished(plan.Stack, *StackOutcome) {}
