package inventory

import (
	"fmt"
	"time"
)

// AppliedSchemaV1 identifies the apply record format this package reads and
// writes.
const AppliedSchemaV1 = "tierdeploy.applied/v1"

// Applied is an environment's apply record: for each stack, keyed by tier
// name, the last successful apply and the apply in progress. Apply selects
// the stacks changed since their last successful apply, so that a failed or
// skipped run is caught up by the next one, and reports the applies that
// were started but never finished or aborted (the process was killed).
//
// The record is read, changed and written back under the environment's
// lease; Start, Finish and Abort change it in memory only.
type Applied struct {
	Schema      string
	Environment string
	// Stacks maps tier names to what is known of their applies. A stack
	// with neither mark has no entry.
	Stacks map[string]AppliedStack
}

// AppliedStack is the apply record of one stack.
type AppliedStack struct {
	// Last is the last successful apply; nil when none was recorded.
	Last *ApplyMark
	// Started is an apply that began and neither finished nor was aborted.
	// Found by a later run, it means that apply was interrupted.
	Started *ApplyMark
}

// ApplyMark says which commit was applied, when and by which run.
type ApplyMark struct {
	// Commit is the applied revision; it must not be empty.
	Commit string
	// At is when the apply started or finished; it is stored in UTC to the
	// second.
	At time.Time
	// Run is the CI run's web address; empty for a local run.
	Run string
	// InventoryVersion is the version of the inventory the apply published,
	// or zero when it published none.
	InventoryVersion int64
}

// NewApplied returns an empty apply record for env: what a store returns
// when none was written yet.
func NewApplied(env string) *Applied {
	return &Applied{Schema: AppliedSchemaV1, Environment: env, Stacks: map[string]AppliedStack{}}
}

// Start records that an apply of the tier's stack begins, keeping its last
// successful apply. The caller writes the record before applying, so that an
// interrupted apply is found by the next run (see Interrupted).
func (a *Applied) Start(tier string, mark ApplyMark) {
	st := a.stack(tier)
	m := mark.normalized()
	st.Started = &m
	a.Stacks[tier] = st
}

// Finish records a successful apply of the tier's stack: mark becomes its
// last apply and the apply in progress is cleared.
func (a *Applied) Finish(tier string, mark ApplyMark) {
	st := a.stack(tier)
	m := mark.normalized()
	st.Last, st.Started = &m, nil
	a.Stacks[tier] = st
}

// Abort clears the tier's apply in progress without touching its last
// successful apply, for an apply that failed and was reported as such; the
// stack then counts as changed again on the next run. A stack left with no
// mark is removed.
func (a *Applied) Abort(tier string) {
	st, ok := a.Stacks[tier]
	if !ok {
		return
	}
	st.Started = nil
	if st.Last == nil {
		delete(a.Stacks, tier)
		return
	}
	a.Stacks[tier] = st
}

// Interrupted returns the stacks with an apply in progress, by tier name, and
// the mark of that apply. Read before this run starts any apply, it lists the
// applies an earlier run began but never finished or aborted. The map is
// empty, not nil, when there are none.
func (a *Applied) Interrupted() map[string]ApplyMark {
	out := map[string]ApplyMark{}
	for tier, st := range a.Stacks {
		if st.Started != nil {
			out[tier] = *st.Started
		}
	}
	return out
}

func (a *Applied) stack(tier string) AppliedStack {
	if a.Stacks == nil {
		a.Stacks = map[string]AppliedStack{}
	}
	return a.Stacks[tier]
}

func (m ApplyMark) normalized() ApplyMark {
	m.At = m.At.UTC().Truncate(time.Second)
	return m
}

// appliedWire is the encoded form; the field order is the order in the
// record, and encoding/json writes the stacks sorted by name.
type appliedWire struct {
	Schema      string               `json:"schema"`
	Environment string               `json:"environment"`
	Stacks      map[string]stackWire `json:"stacks"`
}

type stackWire struct {
	Last    *markWire `json:"last,omitempty"`
	Started *markWire `json:"started,omitempty"`
}

type markWire struct {
	Commit           string `json:"commit"`
	At               string `json:"at"`
	Run              string `json:"run,omitempty"`
	InventoryVersion int64  `json:"inventory_version,omitempty"`
}

// Marshal returns the canonical encoding of a: compact, fields in a fixed
// order, stacks sorted by name, times in UTC to the second. The same content
// always gives the same bytes. It fails, with an error matching ErrInvalid,
// when a holds something ParseApplied would reject, so that a record that was
// written can always be read back.
func (a *Applied) Marshal() ([]byte, error) {
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("marshal apply record: %w", err)
	}
	w := appliedWire{Schema: a.Schema, Environment: a.Environment, Stacks: make(map[string]stackWire, len(a.Stacks))}
	for tier, st := range a.Stacks {
		w.Stacks[tier] = stackWire{Last: wireMark(st.Last), Started: wireMark(st.Started)}
	}
	b, err := encode(w)
	if err != nil {
		return nil, fmt.Errorf("marshal apply record: %w", err)
	}
	return b, nil
}

// MarshalIndent is Marshal indented by two spaces, with a final newline, for
// files people read.
func (a *Applied) MarshalIndent() ([]byte, error) {
	b, err := a.Marshal()
	if err != nil {
		return nil, err
	}
	return indent(b, "apply record")
}

func wireMark(m *ApplyMark) *markWire {
	if m == nil {
		return nil
	}
	return &markWire{Commit: m.Commit, At: m.At.UTC().Format(time.RFC3339), Run: m.Run,
		InventoryVersion: m.InventoryVersion}
}
