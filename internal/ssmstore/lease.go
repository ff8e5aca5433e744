package ssmstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// takeoverAttempts bounds the rounds of racing for an expired lock.
const takeoverAttempts = 5

// Acquire takes the lease on the environment's inventory for ttl, so that
// one writer at a time publishes it, and returns the claim that every write
// to the environment's inventory and apply record goes through.
//
// SSM has no conditional write: PutParameter cannot say "only if the current
// version is N", and neither can DeleteParameter. What it does guarantee,
// and what the lease is built on, is that a PutParameter without Overwrite
// creates a parameter at most once, and that the versions of a parameter are
// numbered one by one in the order SSM applies the writes. So:
//
//   - The lease is the parameter LockName(env) (type String), created without
//     overwrite: only one writer succeeds.
//   - An expired lock is taken over by overwriting it after reading it. The
//     write that got the version right after the one read came first and
//     wins; a writer whose write got a later version lost the race and puts
//     the winner's lease back. Renewals work the same way, so a renewal
//     that lands after a takeover loses to it (and puts it back), and a
//     takeover that lands after a renewal loses to the renewal.
//   - Every fenced write (Claim.Write) reads the lock right before writing
//     and right after. No write request (of the inventory, the apply
//     record or the lock) is sent once the lease is within its margin of
//     expiry (inventory.LeaseMargin, 30 seconds for a 3 minute lease):
//     the store's clock is checked before each request (underLease), and
//     the request's deadline stops one that is still being sent.
//   - Release reads the lock and deletes it only if it holds our token,
//     under the same check.
//
// The window that remains is a request that SSM applies later than the
// margin after it was sent, or runners whose clocks differ by more than the
// margin: such a write can land after another run took the lease over. A
// fenced write that does is found by the check after it, which fails the
// run with an error matching inventory.ErrLeaseLost that says the write may
// have landed; a release that does deletes the other run's lock, which that
// run then finds at its next check or renewal (its writes fail rather than
// go unprotected).
//
// When the lock is held, Acquire retries every Options.LockPoll until
// Options.LockWait has passed, then returns an *inventory.HeldError naming
// the holder and the expiry.
func (s *Store) Acquire(ctx context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error) {
	lock := s.LockName(env)
	return inventory.AcquireWithin(ctx, s.opts.LockWait, s.opts.LockPoll, func(ctx context.Context) (*inventory.Claim, error) {
		lease, err := s.tryAcquire(ctx, lock, holder, ttl)
		if err != nil {
			return nil, err
		}
		return inventory.NewClaim(env, lock, lease, ssmLock{s: s, name: lock, ttl: ttl}, s.opts.Now), nil
	})
}

func (s *Store) tryAcquire(ctx context.Context, lock, holder string, ttl time.Duration) (inventory.Lease, error) {
	lease, err := inventory.NewLease(holder, s.opts.Now(), ttl)
	if err != nil {
		return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
	}
	for range takeoverAttempts {
		_, err := s.putLease(ctx, lock, lease, false)
		if err == nil {
			return lease, nil
		}
		if errorCode(err) != "ParameterAlreadyExists" {
			return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
		}
		cur, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(lock)})
		if errorCode(err) == "ParameterNotFound" {
			continue // released in between
		}
		if err != nil {
			return inventory.Lease{}, fmt.Errorf("acquire %s: read the lock: %w", lock, err)
		}
		held, perr := inventory.ParseLease([]byte(aws.ToString(cur.Parameter.Value)))
		if perr == nil && !held.Expired(s.opts.Now()) {
			return inventory.Lease{}, held.Held(lock)
		}
		// Expired (or unreadable): take it over.
		out, err := s.putLease(ctx, lock, lease, true)
		if err != nil {
			return inventory.Lease{}, fmt.Errorf("acquire %s: take over an expired lock: %w", lock, err)
		}
		winner, err := s.settle(ctx, lock, cur.Parameter.Version, out.Version, lease)
		if err != nil {
			return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
		}
		if winner.Token == lease.Token {
			return lease, nil
		}
		// Another writer won this round: the next one reports its lease.
	}
	return inventory.Lease{}, fmt.Errorf("acquire %s: other writers kept taking the lock over; try again", lock)
}

// putLease writes l to the lock, creating it (overwrite false) or replacing
// it.
func (s *Store) putLease(ctx context.Context, lock string, l inventory.Lease, overwrite bool) (*ssm.PutParameterOutput, error) {
	return s.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(lock),
		Value: aws.String(string(l.Marshal())), Type: types.ParameterTypeString,
		Tier: types.ParameterTierStandard, Overwrite: aws.Bool(overwrite),
		Description: aws.String("tierdeploy inventory lock")})
}

// settle finds out which write of the lock won, after ours (the lease ours)
// overwrote the version read and got version wrote. The write numbered
// read+1 came first and wins: when it is not ours, ours clobbered it, so its
// lease is put back, and every loser of a round puts back the same lease.
// settle returns the winner's lease; a zero lease when the lock was deleted
// and created anew in between (version read+1 is gone), in which case ours
// is deleted again if the lock still holds it, or when the winner's value
// is not a lease.
func (s *Store) settle(ctx context.Context, lock string, read, wrote int64, ours inventory.Lease) (inventory.Lease, error) {
	if wrote == read+1 {
		return ours, nil
	}
	first, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(fmt.Sprintf("%s:%d", lock, read+1))})
	if errorCode(err) == "ParameterVersionNotFound" {
		return inventory.Lease{}, s.deleteIfHolds(notUnderLease(ctx), lock, ours)
	}
	if err != nil {
		return inventory.Lease{}, fmt.Errorf("read the write that followed version %d: %w", read, err)
	}
	winner, perr := inventory.ParseLease([]byte(aws.ToString(first.Parameter.Value)))
	if perr == nil && winner.Token == ours.Token {
		return ours, nil // our own request, sent again by the client's retries, came first
	}
	_, err = s.api.PutParameter(notUnderLease(ctx), &ssm.PutParameterInput{Name: aws.String(lock), Value: first.Parameter.Value,
		Type: types.ParameterTypeString, Tier: types.ParameterTierStandard, Overwrite: aws.Bool(true),
		Description: aws.String("tierdeploy inventory lock")})
	if err != nil {
		return inventory.Lease{}, fmt.Errorf("put back the lock's winning version %d: %w", read+1, err)
	}
	if perr != nil {
		return inventory.Lease{}, nil
	}
	return winner, nil
}

// deleteIfHolds deletes the lock if it holds l's token.
func (s *Store) deleteIfHolds(ctx context.Context, lock string, l inventory.Lease) error {
	_, gone, err := ssmLock{s: s, name: lock}.read(ctx, l)
	var lost *inventory.LostError
	if gone || errors.As(err, &lost) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := s.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(lock)}); err != nil &&
		errorCode(err) != "ParameterNotFound" {
		return fmt.Errorf("delete %s: %w", lock, err)
	}
	return nil
}

// claimed returns the environment of c, a claim this store granted, or an
// error starting with what for a missing or foreign claim.
func (s *Store) claimed(c *inventory.Claim, what string) (string, error) {
	if c == nil {
		return "", fmt.Errorf("%s: no inventory lease: acquire the environment's lease first", what)
	}
	env := c.Environment()
	if c.Lock() != s.LockName(env) {
		return "", fmt.Errorf("%s of %s: the lease is on %s, not on this store's lock %s", what, env, c.Lock(), s.LockName(env))
	}
	return env, nil
}

// ssmLock is the lock parameter of a claim, whose lease has the time to
// live ttl.
type ssmLock struct {
	s    *Store
	name string
	ttl  time.Duration
}

var _ inventory.LockOps = ssmLock{}

// read returns the lock's version when it holds l's token; else a
// *inventory.LostError naming the holder, with gone set when the lock does
// not exist.
func (k ssmLock) read(ctx context.Context, l inventory.Lease) (version int64, gone bool, err error) {
	out, err := k.s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(k.name)})
	if errorCode(err) == "ParameterNotFound" {
		return 0, true, &inventory.LostError{Lock: k.name, Reason: "the lock parameter was deleted"}
	}
	if err != nil {
		return 0, false, fmt.Errorf("read the lock %s: %w", k.name, err)
	}
	held, err := inventory.ParseLease([]byte(aws.ToString(out.Parameter.Value)))
	if err != nil {
		return 0, false, &inventory.LostError{Lock: k.name, Reason: "the lock parameter holds something else"}
	}
	if held.Token != l.Token {
		return 0, false, &inventory.LostError{Lock: k.name, Holder: held.Holder, Since: held.Acquired}
	}
	return out.Parameter.Version, false, nil
}

// Check reads the lock.
func (k ssmLock) Check(ctx context.Context, l inventory.Lease) error {
	_, _, err := k.read(ctx, l)
	return err
}

// Renew reads the lock, overwrites it with next if it holds l, and settles
// a race with a takeover that came in between (see settle).
func (k ssmLock) Renew(ctx context.Context, l, next inventory.Lease) error {
	read, _, err := k.read(ctx, l)
	if err != nil {
		return err
	}
	gctx, _ := k.s.underLease(ctx, k.name, l, k.ttl)
	out, err := k.s.putLease(gctx, k.name, next, true)
	if err != nil {
		return fmt.Errorf("renew %s: %w", k.name, err)
	}
	winner, err := k.s.settle(ctx, k.name, read, out.Version, next)
	switch {
	case err != nil:
		return fmt.Errorf("renew %s: %w", k.name, err)
	case winner.Token == next.Token:
		return nil
	case winner.Holder != "":
		return &inventory.LostError{Lock: k.name, Holder: winner.Holder, Since: winner.Acquired}
	}
	return &inventory.LostError{Lock: k.name, Reason: "the lock parameter was deleted or overwritten while it was renewed"}
}

// Fence reads the lock before and after write.
func (k ssmLock) Fence(ctx context.Context, l inventory.Lease, write func(context.Context) error) error {
	if err := k.Check(ctx, l); err != nil {
		return err
	}
	gctx, guard := k.s.underLease(ctx, k.name, l, k.ttl)
	err := write(gctx)
	var lost *inventory.LostError
	if err != nil {
		if errors.As(err, &lost) && guard.wrote() {
			// Refused part way: what was sent before may have landed late.
			after := *lost
			after.AfterWrite = true
			return &after
		}
		return err
	}
	err = k.Check(ctx, l)
	if errors.As(err, &lost) {
		after := *lost
		after.AfterWrite = true
		return &after
	}
	if err != nil {
		return fmt.Errorf("the write was done, but the lease could not be checked after it: %w", err)
	}
	return nil
}

// Release deletes the lock if it holds l. The read and the delete are two
// requests: a takeover that lands between them is deleted (see Acquire for
// why that needs a request delayed past the lease's margin, and how the
// other run finds out).
func (k ssmLock) Release(ctx context.Context, l inventory.Lease) error {
	_, gone, err := k.read(ctx, l)
	if gone {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, _ = k.s.underLease(ctx, k.name, l, k.ttl)
	if _, err := k.s.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(k.name)}); err != nil &&
		errorCode(err) != "ParameterNotFound" {
		return fmt.Errorf("release %s: %w", k.name, err)
	}
	return nil
}
