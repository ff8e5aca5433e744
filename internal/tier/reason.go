package tier

import (
	"time"
)

// ReasonKind is why a stack is selected. Code that decides something from a
// stack's reasons looks at their kinds; the words of String are for people.
type ReasonKind string

// Reason kinds.
const (
	// ChangedPath is a changed path that affects the stack (Path); the
	// configuration file itself affects every stack.
	ChangedPath ReasonKind = "path"
	// InventoryMayChange means the stack's tier needs Tier, the tier that
	// publishes the inventory, which is affected: whether the inventory
	// really changes is known only once that tier is planned or applied.
	InventoryMayChange ReasonKind = "inventory"
	// SelectedAll is a stack selected with --all.
	SelectedAll ReasonKind = "all"
	// Scheduled is a stack looked at by a scheduled drift check.
	Scheduled ReasonKind = "schedule"
	// Interrupted means the stack's last apply (Commit, At) was started and
	// never finished.
	Interrupted ReasonKind = "interrupted"
	// NeverApplied is a stack with no recorded apply, named on the command
	// line: there is no last apply to compare with.
	NeverApplied ReasonKind = "never-applied"
)

// Reason is one reason a stack is selected.
type Reason struct {
	Kind ReasonKind
	// Path is the changed path (ChangedPath).
	Path string
	// Tier is the tier that publishes the inventory (InventoryMayChange).
	Tier string
	// Since, when set, is the commit of the stack's last apply: the reason
	// is a change made since then.
	Since string
	// Commit and At are the interrupted apply's (Interrupted).
	Commit string
	At     time.Time
}

// String says the reason in words.
func (r Reason) String() string {
	var s string
	switch r.Kind {
	case ChangedPath:
		s = r.Path
	case InventoryMayChange:
		s = "needs " + r.Tier + " (inventory may change)"
	case SelectedAll:
		s = "selected with --all"
	case Scheduled:
		s = "scheduled drift check"
	case Interrupted:
		s = "the apply of " + Short(r.Commit) + " started " + r.At.UTC().Format(time.RFC3339) + " was interrupted"
	case NeverApplied:
		s = "never applied (no last apply to compare with)"
	default:
		s = string(r.Kind)
	}
	if r.Since != "" {
		s += " (since the last apply at " + Short(r.Since) + ")"
	}
	return s
}

// MarshalText writes the reason in words, so that JSON output lists reasons
// as strings.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// OnlyInventory reports whether the reasons are all InventoryMayChange: the
// stack is selected only because the inventory might change, so it can be
// skipped when the inventory turns out not to.
func OnlyInventory(reasons []Reason) bool {
	for _, r := range reasons {
		if r.Kind != InventoryMayChange {
			return false
		}
	}
	return len(reasons) > 0
}

// Strings returns the reasons in words.
func Strings(reasons []Reason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = r.String()
	}
	return out
}

// Short abbreviates a commit to 12 characters.
func Short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
