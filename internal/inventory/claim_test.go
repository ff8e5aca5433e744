package inventory_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// fakeLock is a LockOps whose methods are function fields; a nil field
// succeeds. It records the calls.
type fakeLock struct {
	mu      sync.Mutex
	calls   []string
	check   func(ctx context.Context, l inventory.Lease) error
	renew   func(ctx context.Context, l, next inventory.Lease) error
	fence   func(ctx context.Context, l inventory.Lease, write func(context.Context) error) error
	release func(ctx context.Context, l inventory.Lease) error
}

func (f *fakeLock) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeLock) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeLock) Check(ctx context.Context, l inventory.Lease) error {
	f.record("check")
	if f.check != nil {
		return f.check(ctx, l)
	}
	return nil
}

func (f *fakeLock) Renew(ctx context.Context, l, next inventory.Lease) error {
	f.record("renew")
	if f.renew != nil {
		return f.renew(ctx, l, next)
	}
	return nil
}

func (f *fakeLock) Fence(ctx context.Context, l inventory.Lease, write func(context.Context) error) error {
	f.record("fence")
	if f.fence != nil {
		return f.fence(ctx, l, write)
	}
	return write(ctx)
}

func (f *fakeLock) Release(ctx context.Context, l inventory.Lease) error {
	f.record("release")
	if f.release != nil {
		return f.release(ctx, l)
	}
	return nil
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var leaseStart = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// newClaim returns a claim on a 3 minute lease taken at leaseStart.
func newClaim(t *testing.T, ops inventory.LockOps) (*inventory.Claim, *clock) {
	t.Helper()
	clk := &clock{t: leaseStart}
	l, err := inventory.NewLease("run A", clk.Now(), 3*time.Minute)
	require.NoError(t, err)
	return inventory.NewClaim("prod", "/inv/prod.lock", l, ops, clk.Now), clk
}

var takenOver = &inventory.LostError{Lock: "/inv/prod.lock", Holder: "run B", Since: leaseStart.Add(4 * time.Minute)}

func TestClaimWrite(t *testing.T) {
	ops := &fakeLock{}
	c, clk := newClaim(t, ops)
	assert.Equal(t, "prod", c.Environment())
	assert.Equal(t, "/inv/prod.lock", c.Lock())
	assert.Equal(t, 30*time.Second, c.Margin())

	clk.Advance(time.Minute)
	var deadline time.Time
	wrote := false
	require.NoError(t, c.Write(t.Context(), func(ctx context.Context) error {
		deadline, _ = ctx.Deadline()
		wrote = true
		return nil
	}))
	assert.True(t, wrote)
	left := time.Until(deadline)
	assert.True(t, left > 85*time.Second && left <= 90*time.Second,
		"the write is bounded by the time left until the margin (3m - 1m - 30s): %s", left)
	assert.Equal(t, []string{"fence"}, ops.Calls())
	assert.NoError(t, c.Err())
}

func TestClaimLost(t *testing.T) {
	tests := []struct {
		name string
		// lose makes the claim lost and returns the error it got.
		lose      func(t *testing.T, c *inventory.Claim, ops *fakeLock, clk *clock) error
		wantError string
		wantCalls []string
	}{
		{
			name: "taken over before a write",
			lose: func(t *testing.T, c *inventory.Claim, ops *fakeLock, _ *clock) error {
				ops.fence = func(context.Context, inventory.Lease, func(context.Context) error) error { return takenOver }
				return c.Write(t.Context(), func(context.Context) error {
					t.Error("wrote after the lease was lost")
					return nil
				})
			},
			wantError: "the inventory lease /inv/prod.lock was lost: run B holds it since 2026-06-01T12:04:00Z",
			wantCalls: []string{"fence"},
		},
		{
			name: "taken over during a write",
			lose: func(t *testing.T, c *inventory.Claim, ops *fakeLock, _ *clock) error {
				ops.fence = func(ctx context.Context, _ inventory.Lease, write func(context.Context) error) error {
					require.NoError(t, write(ctx))
					after := *takenOver
					after.AfterWrite = true
					return &after
				}
				return c.Write(t.Context(), func(context.Context) error { return nil })
			},
			wantError: "run B holds it since 2026-06-01T12:04:00Z; the last write may have landed after that run took over",
			wantCalls: []string{"fence"},
		},
		{
			name: "found by a renewal",
			lose: func(t *testing.T, c *inventory.Claim, ops *fakeLock, _ *clock) error {
				ops.renew = func(context.Context, inventory.Lease, inventory.Lease) error { return takenOver }
				return c.Renew(t.Context())
			},
			wantError: "run B holds it",
			wantCalls: []string{"renew"},
		},
		{
			name: "paused past the margin",
			lose: func(t *testing.T, c *inventory.Claim, _ *fakeLock, clk *clock) error {
				clk.Advance(150 * time.Second) // 3m - 30s
				return c.Write(t.Context(), func(context.Context) error {
					t.Error("wrote past the lease's usable time")
					return nil
				})
			},
			wantError: "it was not renewed in time: this run stopped using it at 2026-06-01T12:02:30Z, " +
				"before it expires at 2026-06-01T12:03:00Z",
			wantCalls: []string{"check"}, // to name another holder; there is none
		},
		{
			name: "paused past the margin, then taken over",
			lose: func(t *testing.T, c *inventory.Claim, ops *fakeLock, clk *clock) error {
				ops.check = func(context.Context, inventory.Lease) error { return takenOver }
				clk.Advance(4 * time.Minute)
				return c.Write(t.Context(), func(context.Context) error {
					t.Error("wrote past the lease's usable time")
					return nil
				})
			},
			wantError: "the inventory lease /inv/prod.lock was lost: run B holds it since 2026-06-01T12:04:00Z",
			wantCalls: []string{"check"},
		},
		{
			name: "renewals failing until the margin",
			lose: func(t *testing.T, c *inventory.Claim, ops *fakeLock, clk *clock) error {
				ops.renew = func(context.Context, inventory.Lease, inventory.Lease) error { return errors.New("throttled") }
				for range 2 {
					clk.Advance(time.Minute)
					require.ErrorContains(t, c.Renew(t.Context()), "throttled")
					require.NoError(t, c.Err(), "a failed renewal does not lose the lease")
				}
				clk.Advance(30 * time.Second)
				return c.Renew(t.Context())
			},
			wantError: "it was not renewed in time",
			wantCalls: []string{"renew", "renew", "check"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := &fakeLock{}
			c, clk := newClaim(t, ops)
			watched, stop := c.Context(t.Context())
			defer stop()

			err := tt.lose(t, c, ops, clk)
			require.ErrorIs(t, err, inventory.ErrLeaseLost)
			var lost *inventory.LostError
			require.ErrorAs(t, err, &lost)
			assert.ErrorContains(t, err, tt.wantError)
			assert.Equal(t, tt.wantCalls, ops.Calls())

			// Lost for good: everything is refused without asking the store.
			assert.Equal(t, lost, c.Err())
			select {
			case <-c.Lost():
			default:
				t.Fatal("Lost is not closed")
			}
			<-watched.Done()
			assert.Equal(t, error(lost), context.Cause(watched), "the run's context ends with the loss")
			assert.Equal(t, lost, c.Write(t.Context(), func(context.Context) error {
				t.Error("wrote after the lease was lost")
				return nil
			}))
			assert.Equal(t, lost, c.Renew(t.Context()))
			assert.Equal(t, lost, c.Check(t.Context()))
			assert.Equal(t, lost, c.Release(t.Context()), "release leaves the lock alone")
			assert.Equal(t, tt.wantCalls, ops.Calls(), "no more calls to the store")
		})
	}
}

func TestClaimRenew(t *testing.T) {
	ops := &fakeLock{}
	var got []inventory.Lease
	ops.renew = func(_ context.Context, l, next inventory.Lease) error {
		got = append(got, l, next)
		return nil
	}
	c, clk := newClaim(t, ops)
	first := c.Lease()
	clk.Advance(time.Minute + 400*time.Millisecond)
	require.NoError(t, c.Renew(t.Context()))
	require.Len(t, got, 2)
	assert.Equal(t, first, got[0])
	want := first
	want.Expires = leaseStart.Add(4 * time.Minute)
	assert.Equal(t, want, got[1], "same holder, token and acquisition; expiry three minutes from now")
	assert.Equal(t, want, c.Lease())

	// Renewed in time, the claim stays usable past the first expiry.
	clk.Advance(2 * time.Minute)
	require.NoError(t, c.Renew(t.Context()))
	require.NoError(t, c.Write(t.Context(), func(context.Context) error { return nil }))
}

func TestClaimRelease(t *testing.T) {
	t.Run("while usable", func(t *testing.T) {
		ops := &fakeLock{}
		c, _ := newClaim(t, ops)
		require.NoError(t, c.Release(t.Context()))
		require.NoError(t, c.Release(t.Context()), "twice")
		assert.Equal(t, []string{"release"}, ops.Calls())
		err := c.Write(t.Context(), func(context.Context) error {
			t.Error("wrote after release")
			return nil
		})
		assert.ErrorContains(t, err, "/inv/prod.lock: the inventory lease was already released")
		assert.NoError(t, c.Err(), "released is not lost")
	})
	t.Run("past its usable time", func(t *testing.T) {
		for _, other := range []error{takenOver, nil} {
			ops := &fakeLock{check: func(context.Context, inventory.Lease) error { return other }}
			c, clk := newClaim(t, ops)
			clk.Advance(170 * time.Second)
			err := c.Release(t.Context())
			require.ErrorIs(t, err, inventory.ErrLeaseLost)
			assert.Equal(t, []string{"check"}, ops.Calls(), "only looks: the lock may be another run's")
			if other != nil {
				assert.ErrorContains(t, err, "run B holds it")
			} else {
				assert.ErrorContains(t, err, "it ran out at 2026-06-01T12:02:30Z before it was released, so the lock is left to expire")
			}
		}
	})
}

func TestHeartbeat(t *testing.T) {
	ops := &fakeLock{}
	failing := true
	ops.renew = func(context.Context, inventory.Lease, inventory.Lease) error {
		if failing {
			return errors.New("throttled")
		}
		return nil
	}
	c, clk := newClaim(t, ops)
	tick := make(chan time.Time)
	renewed := make(chan error)
	c.Keep(t.Context(), inventory.Heartbeat{Tick: tick, Renewed: func(err error) { renewed <- err }})

	clk.Advance(time.Minute)
	tick <- clk.Now()
	assert.ErrorContains(t, <-renewed, "throttled", "a failed renewal is reported and tried again")
	failing = false
	clk.Advance(time.Minute)
	tick <- clk.Now()
	require.NoError(t, <-renewed)
	assert.Equal(t, leaseStart.Add(5*time.Minute), c.Lease().Expires)

	ops.renew = func(context.Context, inventory.Lease, inventory.Lease) error { return takenOver }
	tick <- clk.Now()
	assert.ErrorIs(t, <-renewed, inventory.ErrLeaseLost)
	select {
	case tick <- clk.Now():
		t.Fatal("the heartbeat goes on after the lease was lost")
	case <-time.After(50 * time.Millisecond):
	}
	assert.Equal(t, []string{"renew", "renew", "renew"}, ops.Calls())
}

func TestHeartbeatStopsOnRelease(t *testing.T) {
	ops := &fakeLock{}
	c, _ := newClaim(t, ops)
	tick := make(chan time.Time)
	c.Keep(t.Context(), inventory.Heartbeat{Tick: tick})
	tick <- time.Now() // running
	require.NoError(t, c.Release(t.Context()))
	select {
	case tick <- time.Now():
		t.Fatal("the heartbeat goes on after release")
	case <-time.After(50 * time.Millisecond):
	}
	calls := ops.Calls()
	assert.Equal(t, "release", calls[len(calls)-1], "no renewal after release")
}

func TestHeartbeatStopsWithContext(t *testing.T) {
	ops := &fakeLock{}
	c, _ := newClaim(t, ops)
	ctx, cancel := context.WithCancel(t.Context())
	tick := make(chan time.Time)
	c.Keep(ctx, inventory.Heartbeat{Tick: tick})
	cancel()
	for range 2 { // the first beat may still be taken, not the second
		select {
		case tick <- time.Now():
		case <-time.After(50 * time.Millisecond):
		}
	}
	assert.Empty(t, ops.Calls(), "no renewal after the context ended")
	require.NoError(t, c.Release(t.Context()))
}

func TestHeartbeatRealTicker(t *testing.T) {
	ops := &fakeLock{}
	renewals := make(chan struct{}, 10)
	ops.renew = func(context.Context, inventory.Lease, inventory.Lease) error {
		renewals <- struct{}{}
		return nil
	}
	c, _ := newClaim(t, ops)
	c.Keep(t.Context(), inventory.Heartbeat{Every: 5 * time.Millisecond})
	for range 2 {
		select {
		case <-renewals:
		case <-time.After(5 * time.Second):
			t.Fatal("no renewal")
		}
	}
	require.NoError(t, c.Release(t.Context()))
}
