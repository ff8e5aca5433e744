package ssmstore

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// guardKey marks a context whose requests are made under a lease.
type guardKey struct{}

// leaseGuard holds the writes made under a lease (see underLease).
type leaseGuard struct {
	lock  string
	until time.Time
	now   func() time.Time

	mu   sync.Mutex
	sent int
}

// check returns an *inventory.LostError when no write may be sent any more,
// and counts the writes it lets through.
func (g *leaseGuard) check() error {
	if !g.now().Before(g.until) {
		return &inventory.LostError{Lock: g.lock, Reason: "it ran out before the next write could be sent (" +
			g.until.UTC().Format(time.RFC3339) + ")"}
	}
	g.mu.Lock()
	g.sent++
	g.mu.Unlock()
	return nil
}

// wrote reports whether a write was sent under the guard.
func (g *leaseGuard) wrote() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sent > 0
}

// underLease returns ctx for requests made under the lease l (of time to
// live ttl, on lock): every write request sent with it is first checked
// against the store's clock, and refused (with an *inventory.LostError)
// once the lease is within inventory.LeaseMargin of its expiry. The
// context's deadline does the same in real time for a request already
// being sent; this check also holds when the run was paused between two
// requests, and follows the clock the store was given. The guard counts the
// writes it let through.
func (s *Store) underLease(ctx context.Context, lock string, l inventory.Lease, ttl time.Duration) (context.Context, *leaseGuard) {
	g := &leaseGuard{lock: lock, until: l.Expires.Add(-inventory.LeaseMargin(ttl)), now: s.opts.Now}
	return context.WithValue(ctx, guardKey{}, g), g
}

// notUnderLease returns ctx without the lease's check, for a write that
// must be made whatever the time: putting back a lock that ours clobbered.
func notUnderLease(ctx context.Context) context.Context {
	return context.WithValue(ctx, guardKey{}, (*leaseGuard)(nil))
}

func checkGuard(ctx context.Context) error {
	if g, _ := ctx.Value(guardKey{}).(*leaseGuard); g != nil {
		return g.check()
	}
	return nil
}

// guardedAPI checks the lease of the context (underLease) before every
// request that writes.
type guardedAPI struct{ ssmAPI }

func (g guardedAPI) PutParameter(ctx context.Context, in *ssm.PutParameterInput,
	optFns ...func(*ssm.Options)) (*ssm.PutParameterOutput, error) {
	if err := checkGuard(ctx); err != nil {
		return nil, err
	}
	return g.ssmAPI.PutParameter(ctx, in, optFns...)
}

func (g guardedAPI) LabelParameterVersion(ctx context.Context, in *ssm.LabelParameterVersionInput,
	optFns ...func(*ssm.Options)) (*ssm.LabelParameterVersionOutput, error) {
	if err := checkGuard(ctx); err != nil {
		return nil, err
	}
	return g.ssmAPI.LabelParameterVersion(ctx, in, optFns...)
}

func (g guardedAPI) UnlabelParameterVersion(ctx context.Context, in *ssm.UnlabelParameterVersionInput,
	optFns ...func(*ssm.Options)) (*ssm.UnlabelParameterVersionOutput, error) {
	if err := checkGuard(ctx); err != nil {
		return nil, err
	}
	return g.ssmAPI.UnlabelParameterVersion(ctx, in, optFns...)
}

func (g guardedAPI) DeleteParameter(ctx context.Context, in *ssm.DeleteParameterInput,
	optFns ...func(*ssm.Options)) (*ssm.DeleteParameterOutput, error) {
	if err := checkGuard(ctx); err != nil {
		return nil, err
	}
	return g.ssmAPI.DeleteParameter(ctx, in, optFns...)
}

var _ ssmAPI = guardedAPI{}
