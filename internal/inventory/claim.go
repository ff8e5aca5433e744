package inventory

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// LockOps are a store's operations on its lock, which a Claim calls with the
// lease it holds. A method that finds that the lock no longer holds the
// lease (another token, no lock, content that is not a lease) returns a
// *LostError; any other error means it could not find out (a network
// error, a timeout) and the lease may still be held.
type LockOps interface {
	// Check returns nil when the lock still holds l's token.
	Check(ctx context.Context, l Lease) error
	// Renew replaces l by next (the same token, a later expiry) when the
	// lock still holds l.
	Renew(ctx context.Context, l, next Lease) error
	// Fence calls write only when the lock holds l right before it, and
	// checks again right after it: a loss found then is a *LostError with
	// AfterWrite set.
	Fence(ctx context.Context, l Lease, write func(context.Context) error) error
	// Release removes the lock when it still holds l; a lock that is
	// already gone is not an error.
	Release(ctx context.Context, l Lease) error
}

// Claim is a lease this run holds on an environment's inventory, as a
// store's Acquire returns it. Every write to the inventory or the apply
// record goes through Write, which checks at the store that the lock still
// holds this run's token right before writing, and right after.
//
// A claim is usable until Margin before the lease expires: past that
// point another run may take the lock over (it expires for them at the
// expiry, give or take the clocks' skew), so the claim counts as lost and
// refuses every write. Write also bounds each write by the time left, so a
// write either reaches the store while the lease is ours or is abandoned.
// Keep renews the lease in the background while the run lives.
//
// Once a claim is lost it stays lost: Err returns the *LostError, Lost is
// closed, and Write, Renew and Release do nothing but return it. A claim
// is safe for concurrent use.
type Claim struct {
	env, lock string
	ops       LockOps
	now       func() time.Time
	ttl       time.Duration

	mu       sync.Mutex
	lease    Lease
	lost     *LostError
	lostCh   chan struct{}
	released bool
	// stopBeat stops the heartbeat started by Keep and waits for it.
	stopBeat func()
}

// NewClaim returns the claim on lock (the lock of environment env) that a
// store granted with lease l; ops act on the store's lock and now is the
// clock (nil means time.Now). The lease's time to live, kept on renewals,
// is l.Expires - l.Acquired.
func NewClaim(env, lock string, l Lease, ops LockOps, now func() time.Time) *Claim {
	if now == nil {
		now = time.Now
	}
	return &Claim{env: env, lock: lock, ops: ops, now: now, ttl: l.Expires.Sub(l.Acquired), lease: l,
		lostCh: make(chan struct{})}
}

// Environment returns the environment whose inventory the claim covers.
func (c *Claim) Environment() string { return c.env }

// Lock names the lock: an SSM parameter name or a file path.
func (c *Claim) Lock() string { return c.lock }

// Lease returns the lease as last written to the lock.
func (c *Claim) Lease() Lease {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lease
}

// Margin is how long before the lease's expiry the claim stops being
// usable: LeaseMargin of its time to live.
func (c *Claim) Margin() time.Duration { return LeaseMargin(c.ttl) }

// LeaseMargin is how long before a lease of the time to live ttl expires its
// holder stops using it: a sixth of ttl (30 seconds for 3 minutes). It
// covers the skew between the runners' clocks and a request still in
// flight; stores that check the time themselves use the same rule.
func LeaseMargin(ttl time.Duration) time.Duration { return ttl / 6 }

// Err returns the *LostError once the lease is lost, else nil.
func (c *Claim) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lost == nil {
		return nil
	}
	return c.lost
}

// Lost returns a channel that is closed when the lease is found lost.
func (c *Claim) Lost() <-chan struct{} { return c.lostCh }

// Context returns a copy of parent that is cancelled when the lease is
// found lost, with the *LostError as its cause (context.Cause), so that a
// run stops what it does when another run took its lease. Call cancel when
// done with it.
func (c *Claim) Context(parent context.Context) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancelCause := context.WithCancelCause(parent)
	go func() {
		select {
		case <-c.lostCh:
			cancelCause(c.Err())
		case <-ctx.Done():
		}
	}()
	return ctx, func() { cancelCause(context.Canceled) }
}

// Check asks the store whether the lock still holds this run's lease.
func (c *Claim) Check(ctx context.Context) error {
	l, left, err := c.usable()
	if err != nil {
		return c.failed(ctx, l, err)
	}
	cctx, cancel := context.WithTimeout(ctx, left)
	defer cancel()
	return c.failed(ctx, l, c.ops.Check(cctx, l))
}

// Write runs write, a write to the store, fenced by the lease: only when
// the claim is usable and the lock holds this run's token right before it,
// with a context that ends when the claim stops being usable. A loss found
// before the write means nothing was written; one found right after it (a
// *LostError with AfterWrite set) means the write may have landed after
// another run took over. Either way the claim is lost from then on.
func (c *Claim) Write(ctx context.Context, write func(context.Context) error) error {
	l, left, err := c.usable()
	if err != nil {
		return c.failed(ctx, l, err)
	}
	wctx, cancel := context.WithTimeout(ctx, left)
	defer cancel()
	err = c.ops.Fence(wctx, l, write)
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = fmt.Errorf("the write did not finish within the inventory lease %s (%s were left): %w",
			c.lock, left.Round(time.Second), err)
	}
	return c.failed(ctx, l, err)
}

// Renew extends the lease to the time to live from now, when the lock
// still holds it. A *LostError means another run holds it now (or nobody
// does); another error leaves the lease as it was, to be renewed by a later
// call before it runs out.
func (c *Claim) Renew(ctx context.Context) error {
	l, left, err := c.usable()
	if err != nil {
		return c.failed(ctx, l, err)
	}
	next := l
	next.Expires = c.now().UTC().Truncate(time.Second).Add(c.ttl)
	rctx, cancel := context.WithTimeout(ctx, left)
	defer cancel()
	if err := c.ops.Renew(rctx, l, next); err != nil {
		return c.failed(ctx, l, err)
	}
	c.mu.Lock()
	if c.lost == nil && !c.released {
		c.lease = next
	}
	c.mu.Unlock()
	return nil
}

// Release stops the heartbeat and removes the lock if it still holds this
// run's lease. It never touches a lock that another run holds: a lost
// claim returns its *LostError, and a claim past its usable time leaves
// the lock to expire (returning a *LostError too, as another run may have
// taken it). Releasing twice does nothing.
func (c *Claim) Release(ctx context.Context) error {
	c.stopHeartbeat()
	c.mu.Lock()
	if c.released {
		c.mu.Unlock()
		return nil
	}
	c.released = true
	l, lost := c.lease, c.lost
	left := c.usableUntil(l).Sub(c.now())
	c.mu.Unlock()
	if lost != nil {
		return lost
	}
	if left <= 0 {
		// Another run may hold the lock by now: only look, to name it.
		return c.failed(ctx, l, &LostError{Lock: c.lock, Reason: fmt.Sprintf(
			"it ran out at %s before it was released, so the lock is left to expire", c.usableUntil(l).UTC().Format(time.RFC3339))})
	}
	rctx, cancel := context.WithTimeout(ctx, left)
	defer cancel()
	return c.failed(ctx, l, c.ops.Release(rctx, l))
}

// errReleased is returned by the methods of a released claim.
var errReleased = errors.New("the inventory lease was already released")

// usable returns the lease and the time left to use it, or the error that
// makes the claim unusable: lost, released, or past its usable time (a new
// *LostError, which the caller records with failed).
func (c *Claim) usable() (Lease, time.Duration, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.lost != nil:
		return c.lease, 0, c.lost
	case c.released:
		return c.lease, 0, fmt.Errorf("%s: %w", c.lock, errReleased)
	}
	until := c.usableUntil(c.lease)
	left := until.Sub(c.now())
	if left <= 0 {
		return c.lease, 0, &LostError{Lock: c.lock, Reason: fmt.Sprintf(
			"it was not renewed in time: this run stopped using it at %s, before it expires at %s",
			until.UTC().Format(time.RFC3339), c.lease.Expires.UTC().Format(time.RFC3339))}
	}
	return c.lease, left, nil
}

func (c *Claim) usableUntil(l Lease) time.Time { return l.Expires.Add(-c.Margin()) }

// nameTimeout bounds the read that names the run holding a lost lease.
const nameTimeout = 10 * time.Second

// failed returns err, recording a *LostError in it as the claim's loss. The
// first loss stays the claim's loss. When the loss does not name another
// holder (the lease ran out, a write was refused), the lock is read once to
// name the run that holds it now, if any, and the error returned is then
// that *LostError.
func (c *Claim) failed(ctx context.Context, l Lease, err error) error {
	var lost *LostError
	if !errors.As(err, &lost) {
		return err
	}
	if first := c.Err(); first != nil {
		if errors.Is(err, first) {
			return err
		}
		return first
	}
	if lost.Holder == "" {
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), nameTimeout)
		defer cancel()
		var other *LostError
		if errors.As(c.ops.Check(nctx, l), &other) && other.Holder != "" {
			named := *lost
			named.Holder, named.Since = other.Holder, other.Since
			return c.lose(&named)
		}
	}
	c.lose(lost)
	return err
}

// lose records e as the claim's loss, unless it is lost already, and
// returns the claim's loss.
func (c *Claim) lose(e *LostError) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lost == nil {
		c.lost = e
		close(c.lostCh)
	}
	return c.lost
}

func (c *Claim) stopHeartbeat() {
	c.mu.Lock()
	stop := c.stopBeat
	c.stopBeat = nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
}
