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
// one writer at a time publishes it. The lease is the parameter LockName(env)
// (type String), created without overwrite: SSM creates a parameter at most
// once, so only one writer succeeds. When the lock exists and has expired,
// Acquire takes it over: it overwrites the lock and keeps it only if its
// version directly follows the expired one it read; a writer that lost such
// a race puts back the winner's lease.
//
// When the lock is held, Acquire retries every Options.LockPoll until
// Options.LockWait has passed, then returns an *inventory.HeldError naming the
// holder and the expiry. The returned release deletes the lock if it is still
// ours; it returns an error matching inventory.ErrLeaseLost when the lease
// expired and another writer took it.
func (s *Store) Acquire(ctx context.Context, env, holder string, ttl time.Duration) (func(context.Context) error, error) {
	lock := s.LockName(env)
	return inventory.AcquireWithin(ctx, s.opts.LockWait, s.opts.LockPoll, func(ctx context.Context) (func(context.Context) error, error) {
		lease, err := s.tryAcquire(ctx, lock, holder, ttl)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error { return s.release(ctx, lock, lease) }, nil
	})
}

func (s *Store) tryAcquire(ctx context.Context, lock, holder string, ttl time.Duration) (inventory.Lease, error) {
	lease, err := inventory.NewLease(holder, s.opts.Now(), ttl)
	if err != nil {
		return inventory.Lease{}, fmt.Errorf("acquire %s: %w", lock, err)
	}
	put := func(overwrite bool) (*ssm.PutParameterOutput, error) {
		return s.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(lock),
			Value: aws.String(string(lease.Marshal())), Type: types.ParameterTypeString,
			Tier: types.ParameterTierStandard, Overwrite: aws.Bool(overwrite),
			Description: aws.String("tierdeploy inventory lock")})
	}
	for range takeoverAttempts {
		_, err := put(false)
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
		out, err := put(true)
		if err != nil {
			return inventory.Lease{}, fmt.Errorf("acquire %s: take over an expired lock: %w", lock, err)
		}
		if out.Version == cur.Parameter.Version+1 {
			return lease, nil
		}
		if err := s.restore(ctx, lock, cur.Parameter.Version+1, lease); err != nil {
			return inventory.Lease{}, err
		}
	}
	return inventory.Lease{}, fmt.Errorf("acquire %s: other writers kept taking the lock over; try again", lock)
}

// restore undoes a lost takeover: it puts back the lease of the writer that
// won, whose version (winner) directly follows the expired one, or deletes
// our lock when that version is gone (the lock was released and deleted in
// between, so our write created it anew). Every loser of a round puts back
// the same winner's lease, so the winner's lease is the lock's value once
// the losers are done.
func (s *Store) restore(ctx context.Context, lock string, winner int64, ours inventory.Lease) error {
	old, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(fmt.Sprintf("%s:%d", lock, winner))})
	if errorCode(err) == "ParameterVersionNotFound" {
		if err := s.release(ctx, lock, ours); err != nil && !errors.Is(err, inventory.ErrLeaseLost) {
			return err
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("acquire %s: read the winning lock: %w", lock, err)
	}
	_, err = s.api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(lock), Value: old.Parameter.Value,
		Type: types.ParameterTypeString, Tier: types.ParameterTierStandard, Overwrite: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("acquire %s: put back the winning lock: %w", lock, err)
	}
	return nil
}

// release deletes the lock if it still holds our lease.
func (s *Store) release(ctx context.Context, lock string, ours inventory.Lease) error {
	cur, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(lock)})
	if errorCode(err) == "ParameterNotFound" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release %s: %w", lock, err)
	}
	held, err := inventory.ParseLease([]byte(aws.ToString(cur.Parameter.Value)))
	if err != nil {
		return fmt.Errorf("release %s: the lock no longer holds our lease: %w", lock, inventory.ErrLeaseLost)
	}
	if held.Token != ours.Token {
		return fmt.Errorf("release %s: held by %s since %s: %w", lock, held.Holder,
			held.Acquired.UTC().Format(time.RFC3339), inventory.ErrLeaseLost)
	}
	if _, err := s.api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(lock)}); err != nil &&
		errorCode(err) != "ParameterNotFound" {
		return fmt.Errorf("release %s: %w", lock, err)
	}
	return nil
}
