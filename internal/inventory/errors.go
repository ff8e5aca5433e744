package inventory

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrInvalid is matched (with errors.Is) by every error that reports a bad
// inventory document or apply record; callers treat it as bad input.
var ErrInvalid = errors.New("invalid inventory document")

// ErrKeyNotFound is matched by the error Lookup returns for a missing key.
var ErrKeyNotFound = errors.New("inventory key not found")

// ErrNotFound means a store holds no inventory for the environment.
var ErrNotFound = errors.New("inventory not found")

// ErrVersionNotFound means a store does not hold the requested version.
var ErrVersionNotFound = errors.New("inventory version not found")

// ErrReadBack means a store read back different bytes from the ones it just
// wrote; the write must be treated as failed.
var ErrReadBack = errors.New("inventory read back differs from what was written")

// ErrLocked is matched by HeldError.
var ErrLocked = errors.New("inventory lock is held")

// ErrLeaseLost is matched by LostError: this run no longer holds the lease
// on an environment's inventory, so it must write nothing more.
var ErrLeaseLost = errors.New("inventory lease lost")

// InvalidError is the error Parse and ParseApplied return: the first problem
// found in a document. It matches ErrInvalid.
type InvalidError struct {
	// Kind names the kind of document when it is not the inventory document,
	// such as "apply record"; empty means the inventory document.
	Kind string
	// Field is the field at fault, or empty for the document as a whole.
	// Nested fields of an apply record are dotted paths, such as
	// "stacks.infrastructure.last.commit".
	Field   string
	Problem string
	// Err is the underlying decoding error, if any.
	Err error
}

func (e *InvalidError) Error() string {
	kind := e.Kind
	if kind == "" {
		kind = "inventory document"
	}
	if e.Field == "" {
		return "invalid " + kind + ": " + e.Problem
	}
	return fmt.Sprintf("invalid %s: field %q: %s", kind, e.Field, e.Problem)
}

// Unwrap returns the underlying decoding error.
func (e *InvalidError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// KeyError is the error Lookup returns when a key is missing. It matches
// ErrKeyNotFound.
type KeyError struct {
	Key string
	// Missing is the first path element that does not exist, such as
	// "meltano_database.port" for the key "meltano_database.port.number".
	Missing     string
	Environment string
	Commit      string
	// Available lists the keys at the level where the lookup stopped.
	Available []string
	// Reason says why the path could not be followed, when it was not a
	// missing key (such as "is a string, not an object").
	Reason string
}

func (e *KeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "inventory key %q ", e.Key)
	if e.Reason != "" {
		fmt.Fprintf(&b, "cannot be resolved: %s %s", e.Missing, e.Reason)
	} else {
		b.WriteString("not found")
		if e.Missing != e.Key {
			fmt.Fprintf(&b, " (%s does not exist)", e.Missing)
		}
	}
	fmt.Fprintf(&b, " in the inventory of environment %q", e.Environment)
	if e.Commit != "" {
		fmt.Fprintf(&b, " published at commit %s", e.Commit)
	}
	if len(e.Available) > 0 {
		fmt.Fprintf(&b, "; available: %s", strings.Join(e.Available, ", "))
	}
	return b.String()
}

// Unwrap returns ErrKeyNotFound.
func (e *KeyError) Unwrap() error { return ErrKeyNotFound }

// HeldError means another writer holds the lease on an environment's
// inventory. It matches ErrLocked.
type HeldError struct {
	// Lock names the lock: an SSM parameter name or a file path.
	Lock    string
	Holder  string
	Since   time.Time
	Expires time.Time
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("inventory lock %s is held by %s since %s; it expires at %s unless released earlier",
		e.Lock, printable(e.Holder), e.Since.UTC().Format(time.RFC3339), e.Expires.UTC().Format(time.RFC3339))
}

// maxHolder bounds the holder's name in messages.
const maxHolder = 300

// printable returns a lock holder's name for a message: anyone who can
// write the lock chooses it, so control characters (a line break would
// start a line of its own in a CI log) become "?" and it is cut to
// maxHolder characters.
func printable(holder string) string {
	var b strings.Builder
	n := 0
	for _, r := range holder {
		if n == maxHolder {
			b.WriteString("...")
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Unwrap returns ErrLocked.
func (e *HeldError) Unwrap() error { return ErrLocked }

// LostError means a run no longer holds the lease on an environment's
// inventory: another run took it over after it expired, it was deleted, or
// it could not be renewed before it expired. Once a Claim reports it, every
// write through the claim is refused. It matches ErrLeaseLost.
type LostError struct {
	// Lock names the lock: an SSM parameter name or a file path.
	Lock string
	// Holder is the run that holds the lock now, and Since when it took
	// it; empty when no other run holds it (see Reason).
	Holder string
	Since  time.Time
	// Reason says how the lease was lost when no other holder is known,
	// such as "the lock was deleted".
	Reason string
	// AfterWrite is set when the loss was found right after a write: that
	// write may have landed after another run took the lease over.
	AfterWrite bool
}

func (e *LostError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the inventory lease %s was lost: ", e.Lock)
	if e.Holder != "" {
		fmt.Fprintf(&b, "%s holds it since %s", printable(e.Holder), e.Since.UTC().Format(time.RFC3339))
	} else {
		b.WriteString(e.Reason)
	}
	if e.AfterWrite {
		b.WriteString("; the last write may have landed after that run took over: check the inventory's history")
	}
	return b.String()
}

// Unwrap returns ErrLeaseLost.
func (e *LostError) Unwrap() error { return ErrLeaseLost }
