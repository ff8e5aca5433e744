package filestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// takeoverAttempts bounds the rounds of racing for an expired lock.
const takeoverAttempts = 5

// Acquire takes the lease on the environment's inventory for ttl and
// returns the claim that every write to the environment's inventory and
// apply record goes through. The lease is the file LockPath(env), created
// with O_EXCL so that only one writer succeeds. An expired (or unreadable)
// lock is taken over: under a short breaker file (LockPath(env)+".break",
// also O_EXCL) it is removed if it still holds what was read, and the
// writers race again to create it.
//
// Every change to an existing lock file happens under the breaker: takeovers,
// renewals (the file replaced by a rename), releases, and the claim's fenced
// writes, which check the lock's token and write while holding the breaker.
// So a run that lost its lease can never write, even one paused at any
// point: a takeover waits for a fenced write that started, and a write that
// starts after a takeover finds another token.
//
// When the lock is held, Acquire retries every Options.LockPoll until
// Options.LockWait has passed, then returns an *inventory.HeldError.
func (s *Store) Acquire(ctx context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error) {
	if err := checkEnv(env); err != nil {
		return nil, err
	}
	lock := s.LockPath(env)
	return inventory.AcquireWithin(ctx, s.opts.LockWait, s.opts.LockPoll, func(ctx context.Context) (*inventory.Claim, error) {
		lease, err := s.tryAcquire(ctx, lock, holder, ttl)
		if err != nil {
			return nil, err
		}
		return inventory.NewClaim(env, lock, lease, fileLock{path: lock}, s.opts.Now), nil
	})
}

func (s *Store) tryAcquire(ctx context.Context, lock, holder string, ttl time.Duration) (inventory.Lease, error) {
	lease, err := inventory.NewLease(holder, s.opts.Now(), ttl)
	if err != nil {
		return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
	}
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
	}
	for range takeoverAttempts {
		err := create(lock, lease.Marshal())
		if err == nil {
			return lease, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
		}
		seen, err := readLock(lock)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released in between
		}
		if err != nil {
			return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
		}
		held, perr := inventory.ParseLease(seen)
		if perr == nil && !held.Expired(s.opts.Now()) {
			return inventory.Lease{}, held.Held(lock)
		}
		if err := breakLock(ctx, lock, seen); err != nil {
			return inventory.Lease{}, err
		}
	}
	return inventory.Lease{}, fmt.Errorf("acquire %s: other writers kept taking the lock over; try again", lock)
}

// create writes a new file with O_EXCL and syncs it.
func create(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return err
	}
	return f.Close()
}

// breakerStale is the age at which a breaker file is taken to be left by a
// process that died while holding it.
const breakerStale = 30 * time.Second

// withBreaker runs fn while holding the breaker of lock: the file
// lock+".break", created with O_EXCL. The lock file is removed only under the
// breaker, after checking its content, so a removal never hits a lock created
// in the meantime.
func withBreaker(ctx context.Context, lock string, fn func() error) error {
	breaker := lock + ".break"
	for {
		err := create(breaker, nil)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("take %s: %w", breaker, err)
		}
		if fi, err := os.Stat(breaker); err == nil && time.Since(fi.ModTime()) > breakerStale {
			return fmt.Errorf("%s is older than %s: a process died while changing the lock; "+
				"remove the file if no tierdeploy process is running", breaker, breakerStale)
		}
		t := time.NewTimer(5 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("take %s: %w", breaker, ctx.Err())
		case <-t.C:
		}
	}
	defer os.Remove(breaker)
	return fn()
}

// breakLock removes the lock if it still holds seen.
func breakLock(ctx context.Context, lock string, seen []byte) error {
	return withBreaker(ctx, lock, func() error {
		cur, err := readLock(lock)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("acquire %s: %w", lock, err)
		}
		if !bytes.Equal(cur, seen) {
			return nil // changed since: look again
		}
		if err := os.Remove(lock); err != nil {
			return fmt.Errorf("acquire %s: remove an expired lock: %w", lock, err)
		}
		return nil
	})
}

// claimed returns the environment of c, a claim this store granted, or an
// error starting with what for a missing or foreign claim.
func (s *Store) claimed(c *inventory.Claim, what string) (string, error) {
	if c == nil {
		return "", fmt.Errorf("%s: no inventory lease: acquire the environment's lease first", what)
	}
	env := c.Environment()
	if err := checkEnv(env); err != nil {
		return "", err
	}
	if c.Lock() != s.LockPath(env) {
		return "", fmt.Errorf("%s of %s: the lease is on %s, not on this store's lock %s", what, env, c.Lock(), s.LockPath(env))
	}
	return env, nil
}

// readLock reads a lock file, up to one byte more than a lease may take,
// so that a huge file costs no memory and is not a lease.
func readLock(path string) ([]byte, error) { return readAtMost(path, inventory.MaxLeaseSize) }

// fileLock is the lock file of a claim.
type fileLock struct{ path string }

var _ inventory.LockOps = fileLock{}

// holds returns nil when the lock file holds l's token, else a
// *inventory.LostError naming the holder.
func (f fileLock) holds(l inventory.Lease) error {
	b, err := readLock(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &inventory.LostError{Lock: f.path, Reason: "the lock file was removed"}
	}
	if err != nil {
		return fmt.Errorf("read the lock %s: %w", f.path, err)
	}
	held, err := inventory.ParseLease(b)
	if err != nil {
		return &inventory.LostError{Lock: f.path, Reason: "the lock file holds something else"}
	}
	if held.Token != l.Token {
		return &inventory.LostError{Lock: f.path, Holder: held.Holder, Since: held.Acquired}
	}
	return nil
}

// Check reads the lock file.
func (f fileLock) Check(_ context.Context, l inventory.Lease) error { return f.holds(l) }

// Renew replaces the lock file by one holding next (a synced temporary file
// renamed over it), under the breaker, if it still holds l.
func (f fileLock) Renew(ctx context.Context, l, next inventory.Lease) error {
	return withBreaker(ctx, f.path, func() error {
		if err := f.holds(l); err != nil {
			return err
		}
		return writeFile(f.path, next.Marshal())
	})
}

// Fence runs write under the breaker, if the lock file holds l: nothing can
// take the lock over until write returns.
func (f fileLock) Fence(ctx context.Context, l inventory.Lease, write func(context.Context) error) error {
	return withBreaker(ctx, f.path, func() error {
		if err := f.holds(l); err != nil {
			return err
		}
		return write(ctx)
	})
}

// Release removes the lock file, under the breaker, if it still holds l.
func (f fileLock) Release(ctx context.Context, l inventory.Lease) error {
	return withBreaker(ctx, f.path, func() error { return releaseLocked(f.path, l) })
}

// releaseLocked removes the lock if it still holds our lease; the caller
// holds the breaker, so nothing changes the lock between the comparison and
// the removal. A lock already removed is not an error.
func releaseLocked(lock string, ours inventory.Lease) error {
	if _, err := os.Lstat(lock); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := (fileLock{path: lock}).holds(ours); err != nil {
		return err
	}
	if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("release %s: %w", lock, err)
	}
	return nil
}
