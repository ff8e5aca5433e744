package inventory

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Version describes one stored version of an environment's inventory.
type Version struct {
	// Number counts the versions of the inventory, from 1.
	Number int64
	// Labels are the store's labels on the version, such as
	// "commit-<sha>"; empty when the store did not report them.
	Labels []string
	// Commit is the commit recorded in the document.
	Commit     string
	Modified   time.Time
	ModifiedBy string
}

// PutResult is the outcome of storing a document.
type PutResult struct {
	// Version is the stored version: the new one, or the current one when
	// the document was unchanged.
	Version Version
	// Written is false when the stored document already had the same
	// content, so nothing was written.
	Written bool
}

// CommitLabel returns the label that marks the version published at commit:
// "commit-" followed by the commit with every character other than letters,
// digits, ".", "-" and "_" replaced by "-", cut to 100 characters (the rules
// of SSM parameter labels). It is empty for an empty commit.
func CommitLabel(commit string) string {
	if commit == "" {
		return ""
	}
	b := []byte("commit-" + commit)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b[i] = '-'
		}
	}
	return string(b[:min(len(b), 100)])
}

// Lease is the content of an inventory lock: who holds it and until when.
// Holders write a fresh random Token, so that a holder can tell its own lock
// from one that replaced it; renewals keep the token and move Expires.
type Lease struct {
	Holder   string    `json:"holder"`
	Token    string    `json:"token"`
	Acquired time.Time `json:"acquired"`
	Expires  time.Time `json:"expires"`
}

// NewLease returns a lease for holder, acquired at now, valid for ttl, with a
// random token.
func NewLease(holder string, now time.Time, ttl time.Duration) (Lease, error) {
	if holder == "" {
		return Lease{}, errors.New("new lease: holder is empty")
	}
	if ttl <= 0 {
		return Lease{}, fmt.Errorf("new lease: ttl %s is not positive", ttl)
	}
	now = now.UTC().Truncate(time.Second)
	return Lease{Holder: holder, Token: rand.Text(), Acquired: now, Expires: now.Add(ttl)}, nil
}

// Marshal encodes the lease as JSON.
func (l Lease) Marshal() []byte {
	b, _ := json.Marshal(l)
	return b
}

// MaxLeaseSize bounds the encoded lease ParseLease accepts: the size of a
// Standard SSM parameter, far more than a lease takes.
const MaxLeaseSize = 4096

// ParseLease decodes a lease written by Marshal. Anything else in a lock
// (larger than MaxLeaseSize, not JSON, without holder, token or expiry) is
// an error.
func ParseLease(b []byte) (Lease, error) {
	if len(b) > MaxLeaseSize {
		return Lease{}, fmt.Errorf("parse lease: %d bytes, more than a lease takes (%d)", len(b), MaxLeaseSize)
	}
	var l Lease
	if err := json.Unmarshal(b, &l); err != nil {
		return Lease{}, fmt.Errorf("parse lease: %w", err)
	}
	if l.Holder == "" || l.Token == "" || l.Expires.IsZero() {
		return Lease{}, errors.New("parse lease: holder, token or expiry missing")
	}
	return l, nil
}

// Expired reports whether the lease ran out at now.
func (l Lease) Expired(now time.Time) bool { return !now.Before(l.Expires) }

// Held returns the error that reports the lease as held on lock.
func (l Lease) Held(lock string) *HeldError {
	return &HeldError{Lock: lock, Holder: l.Holder, Since: l.Acquired, Expires: l.Expires}
}

// AcquireWithin calls try until it takes a lease, fails with an error that is
// not a *HeldError, or wait has passed (zero wait means one try), waiting
// poll between tries. It is how both stores wait for a held lease; after the
// wait the last *HeldError is returned, naming the holder.
func AcquireWithin(ctx context.Context, wait, poll time.Duration, try func(context.Context) (*Claim, error)) (*Claim, error) {
	var deadline <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		deadline = t.C
	}
	for {
		claim, err := try(ctx)
		if err == nil {
			return claim, nil
		}
		var held *HeldError
		if !errors.As(err, &held) || deadline == nil {
			return nil, err
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("wait for %w: %w", err, ctx.Err())
		case <-deadline:
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}
