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

// Acquire takes the lease on the environment's inventory for ttl. The lease
// is the file LockPath(env), created with O_EXCL so that only one writer
// succeeds. An expired (or unreadable) lock is taken over: under a short
// breaker file (LockPath(env)+".break", also O_EXCL) it is removed if it
// still holds what was read, and the writers race again to create it. Lock
// files are removed only under the breaker, by takeovers and releases alike.
//
// When the lock is held, Acquire retries every Options.LockPoll until
// Options.LockWait has passed, then returns an *inventory.HeldError. The
// returned release removes the lock if it is still ours; it returns an error
// matching inventory.ErrLeaseLost when the lease expired and another writer
// took it.
func (s *Store) Acquire(ctx context.Context, env, holder string, ttl time.Duration) (func(context.Context) error, error) {
	if err := checkEnv(env); err != nil {
		return nil, err
	}
	lock := s.LockPath(env)
	return inventory.AcquireWithin(ctx, s.opts.LockWait, s.opts.LockPoll, func(ctx context.Context) (func(context.Context) error, error) {
		lease, err := s.tryAcquire(ctx, lock, holder, ttl)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return release(ctx, lock, lease) }, nil
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
		seen, err := os.ReadFile(lock)
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
		cur, err := os.ReadFile(lock)
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

// release removes the lock if it still holds our lease.
func release(ctx context.Context, lock string, ours inventory.Lease) error {
	return withBreaker(ctx, lock, func() error { return releaseLocked(lock, ours) })
}

func releaseLocked(lock string, ours inventory.Lease) error {
	b, err := os.ReadFile(lock)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release %s: %w", lock, err)
	}
	held, err := inventory.ParseLease(b)
	if err != nil {
		return fmt.Errorf("release %s: the lock no longer holds our lease: %w", lock, inventory.ErrLeaseLost)
	}
	if held.Token != ours.Token {
		return fmt.Errorf("release %s: held by %s since %s: %w", lock, held.Holder,
			held.Acquired.UTC().Format(time.RFC3339), inventory.ErrLeaseLost)
	}
	if err := os.Remove(lock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("release %s: %w", lock, err)
	}
	return nil
}
