package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// leaseTTL is how long an inventory lease lasts unless renewed: a run that
// died blocks the next one no longer than this. While a run lives, a
// heartbeat renews its lease every third of that, and the run stops using
// it a sixth of it before it expires (see inventory.Claim).
const leaseTTL = 3 * time.Minute

// leaseTaker takes inventory leases.
type leaseTaker interface {
	Acquire(ctx context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error)
}

// leases are the inventory leases a run holds, by environment; every write
// to an environment's inventory or apply record goes through its claim.
type leases struct {
	log    *slog.Logger
	claims map[string]*inventory.Claim
	// envs are the environments in the order their leases were taken.
	envs []string
}

// takeLeases takes the inventory lease of each environment, in order, for
// holder, and keeps each one renewed by a heartbeat until it is released.
// When one cannot be taken, the ones already taken are released and the
// error says which environment's apply is running.
func takeLeases(ctx context.Context, store leaseTaker, envs []string, holder string, log *slog.Logger) (*leases, error) {
	l := &leases{log: log, claims: map[string]*inventory.Claim{}}
	for _, e := range envs {
		log.Info("taking the inventory lease", "environment", e, "holder", holder)
		c, err := store.Acquire(ctx, e, holder, leaseTTL)
		if err != nil {
			l.release(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("another apply of %s is running: %w", e, err)
		}
		c.Keep(ctx, inventory.Heartbeat{Renewed: func(err error) {
			switch {
			case errors.Is(err, inventory.ErrLeaseLost):
				log.Error("the inventory lease was lost: stopping the apply", "environment", e, "error", err)
			case err != nil:
				log.Warn("could not renew the inventory lease; trying again", "environment", e, "error", err)
			}
		}})
		l.claims[e] = c
		l.envs = append(l.envs, e)
	}
	return l, nil
}

// of returns the claim on env's inventory; nil when its lease is not held,
// which the stores refuse to write with.
func (l *leases) of(env string) *inventory.Claim { return l.claims[env] }

// Of is of, for deploy.Claims.
func (l *leases) Of(env string) *inventory.Claim { return l.of(env) }

// watch returns a copy of ctx that is cancelled, with the
// *inventory.LostError as its cause, as soon as any of the leases is found
// lost, so that the run stops applying. Call stop when done with it.
func (l *leases) watch(ctx context.Context) (watched context.Context, stop context.CancelFunc) {
	cancels := make([]context.CancelFunc, 0, len(l.envs))
	for _, e := range l.envs {
		var cancel context.CancelFunc
		ctx, cancel = l.claims[e].Context(ctx)
		cancels = append(cancels, cancel)
	}
	return ctx, func() {
		for i := len(cancels) - 1; i >= 0; i-- {
			cancels[i]()
		}
	}
}

// lost returns the failure of the run when one of its leases was lost: an
// error that names the environment and wraps the *inventory.LostError,
// which names the run that holds the lease now. It is nil otherwise.
func (l *leases) lost() error {
	for _, e := range l.envs {
		if err := l.claims[e].Err(); err != nil {
			return fmt.Errorf("the apply of %s stopped and wrote nothing more to its inventory or apply record: %w", e, err)
		}
	}
	return nil
}

// release stops the heartbeats and releases the leases that are still
// this run's; failures are logged, except a lease lost before, which the
// run's error reports (lost).
func (l *leases) release(ctx context.Context) {
	for _, e := range l.envs {
		c := l.claims[e]
		lostBefore := c.Err() != nil
		if err := c.Release(ctx); err != nil && !lostBefore {
			l.log.Warn("could not release the inventory lease", "environment", e, "error", err)
		}
	}
}
