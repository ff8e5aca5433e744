package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"time"
)

// Stack identifies one tier deployed to one environment.
type Stack struct {
	Tier        string `json:"tier"`
	Environment string `json:"environment"`
}

// String returns "tier/environment".
func (s Stack) String() string { return s.Tier + "/" + s.Environment }

// Kind is the kind of stage.
type Kind string

// Stage kinds.
const (
	Terraform Kind = "terraform"
	Helm      Kind = "helm"
)

// Action is what happens to one resource or object.
type Action string

// Actions, as Terraform names them (helm objects use create, update, delete).
const (
	Create  Action = "create"
	Update  Action = "update"
	Delete  Action = "delete"
	Replace Action = "replace"
	Read    Action = "read"
	NoOp    Action = "no-op"
	Forget  Action = "forget"
)

// Counts sums the changes of a stage. A replaced resource counts in Replace
// only; imports and moves count whatever else happens to the resource.
type Counts struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
	Replace int `json:"replace"`
	Import  int `json:"import"`
	Move    int `json:"move"`
	Forget  int `json:"forget"`
}

// Plus returns the sum of c and o.
func (c Counts) Plus(o Counts) Counts {
	return Counts{
		Add: c.Add + o.Add, Change: c.Change + o.Change, Destroy: c.Destroy + o.Destroy,
		Replace: c.Replace + o.Replace, Import: c.Import + o.Import, Move: c.Move + o.Move,
		Forget: c.Forget + o.Forget,
	}
}

// Total is the number of changes that touch real infrastructure.
func (c Counts) Total() int {
	return c.Add + c.Change + c.Destroy + c.Replace + c.Import + c.Move + c.Forget
}

// ResourceChange is one changed resource (Terraform) or object (Helm).
type ResourceChange struct {
	// Address is the Terraform address, or kind/namespace/name for Helm.
	Address string `json:"address"`
	Action  Action `json:"action"`
	// PreviousAddress is set when the resource moved.
	PreviousAddress string `json:"previous_address,omitempty"`
	Imported        bool   `json:"imported,omitempty"`
	// Reason is Terraform's action reason, such as "replace because cannot
	// update"; empty when it gave none.
	Reason string `json:"reason,omitempty"`
}

// OutputChange is one changed Terraform output. Values are JSON; sensitive
// ones must be masked before display.
type OutputChange struct {
	Name         string          `json:"name"`
	Action       Action          `json:"action"`
	Before       json.RawMessage `json:"before,omitempty"`
	After        json.RawMessage `json:"after,omitempty"`
	AfterUnknown bool            `json:"after_unknown,omitempty"`
	Sensitive    bool            `json:"sensitive,omitempty"`
}

// Result is what one stage of one stack would change (or changed, after an
// apply). A stage that failed has Err set and whatever it learnt before.
type Result struct {
	Stack Stack
	Kind  Kind
	// Name is the stage's name within the stack: the Terraform dir, or the
	// Helm release.
	Name string

	// HasChanges is true when applying would change something. It is the
	// -detailed-exitcode bit, independent of the counts (an output-only
	// change has changes but zero counts).
	HasChanges bool
	Counts     Counts
	Resources  []ResourceChange
	Outputs    []OutputChange
	// Diff is the human-readable plan or diff, already masked.
	Diff string
	// Fingerprint identifies the planned change: equal fingerprints mean the
	// same change (see Fingerprint).
	Fingerprint string
	// Notes are short remarks shown with the stage, such as "rendered
	// client-side: the cluster was not reachable".
	Notes []string
	// Skipped, when set, says why the stage did not run.
	Skipped string
	// Err is the failure, if any. Its text is masked before display.
	Err error
	// Secrets are values the stage learnt to be sensitive; they are masked in
	// every log line and report.
	Secrets []string
	// Duration is how long the stage took; it goes to logs and summaries,
	// never to the comment body.
	Duration time.Duration
	// Unchecked lists the values a plan could not check, with why: Helm
	// values known only after the infrastructure is applied, planned with
	// stand-ins. Apply checks them; empty when everything was checked.
	Unchecked []Unchecked
}

// Unchecked is a value a plan could not check.
type Unchecked struct {
	// Name names the value: a chart value path such as "database.host".
	Name string `json:"name"`
	// Reason says why it was not checked and what stood in for it.
	Reason string `json:"reason"`
}

// Failed reports whether the stage failed.
func (r Result) Failed() bool { return r.Err != nil }

// Fingerprint returns a stable hash of a normalized change description: the
// lines are sorted, so order does not matter. Stages build the lines from
// what they plan to change (addresses, actions and known values), leaving out
// anything that varies between runs planning the same change.
func Fingerprint(kind Kind, lines []string) string {
	sorted := append([]string(nil), lines...)
	sort.Strings(sorted)
	h := sha256.New()
	h.Write([]byte(kind))
	for _, l := range sorted {
		h.Write([]byte{0})
		h.Write([]byte(l))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

// StackFingerprint combines the fingerprints of a stack's stages; a stack
// with no change has the fingerprint "none".
func StackFingerprint(results []Result) string {
	var lines []string
	for _, r := range results {
		if r.HasChanges {
			lines = append(lines, string(r.Kind)+" "+r.Name+" "+r.Fingerprint)
		}
	}
	if len(lines) == 0 {
		return "none"
	}
	return Fingerprint("stack", lines)
}

// SortResources orders resource changes by address.
func SortResources(rs []ResourceChange) {
	sort.Slice(rs, func(i, j int) bool { return strings.Compare(rs[i].Address, rs[j].Address) < 0 })
}
