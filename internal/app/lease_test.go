package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// fakeLockOps is an inventory.LockOps whose lock is held by holder: this
// run's lease until another run takes it (holder set to someone else).
type fakeLockOps struct {
	lock string

	mu       sync.Mutex
	other    string
	released bool
}

func (f *fakeLockOps) lost() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.other != "" {
		return &inventory.LostError{Lock: f.lock, Holder: f.other, Since: time.Date(2026, 6, 1, 12, 4, 0, 0, time.UTC)}
	}
	return nil
}

func (f *fakeLockOps) takeOver(holder string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.other = holder
}

func (f *fakeLockOps) Check(context.Context, inventory.Lease) error { return f.lost() }

func (f *fakeLockOps) Renew(context.Context, inventory.Lease, inventory.Lease) error { return f.lost() }

func (f *fakeLockOps) Fence(ctx context.Context, _ inventory.Lease, write func(context.Context) error) error {
	if err := f.lost(); err != nil {
		return err
	}
	return write(ctx)
}

func (f *fakeLockOps) Release(context.Context, inventory.Lease) error {
	if err := f.lost(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.released = true
	return nil
}

// fakeLeaseTaker grants claims over fakeLockOps, and refuses the
// environments in held.
type fakeLeaseTaker struct {
	ops  map[string]*fakeLockOps
	held map[string]bool
	ttls []time.Duration
}

func (f *fakeLeaseTaker) Acquire(_ context.Context, env, holder string, ttl time.Duration) (*inventory.Claim, error) {
	f.ttls = append(f.ttls, ttl)
	if f.held[env] {
		return nil, &inventory.HeldError{Lock: env + ".lock", Holder: "run B"}
	}
	l, err := inventory.NewLease(holder, time.Now(), ttl)
	if err != nil {
		return nil, err
	}
	ops := &fakeLockOps{lock: env + ".lock"}
	f.ops[env] = ops
	return inventory.NewClaim(env, ops.lock, l, ops, nil), nil
}

func TestTakeLeases(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	store := &fakeLeaseTaker{ops: map[string]*fakeLockOps{}}
	held, err := takeLeases(t.Context(), store, []string{"staging", "prod"}, "run A", log)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{3 * time.Minute, 3 * time.Minute}, store.ttls, "short leases")
	assert.Equal(t, "prod", held.of("prod").Environment())
	assert.Nil(t, held.of("dev"), "no claim, so the stores refuse to write")
	assert.Equal(t, "run A", held.of("staging").Lease().Holder)

	ctx, stop := held.watch(t.Context())
	defer stop()
	require.NoError(t, held.lost())

	// Run B takes prod's lease over; the next write finds out.
	store.ops["prod"].takeOver("run B")
	err = held.of("prod").Write(t.Context(), func(context.Context) error {
		t.Error("wrote after the lease was lost")
		return nil
	})
	require.ErrorIs(t, err, inventory.ErrLeaseLost)
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the run's context was not cancelled")
	}
	var lost *inventory.LostError
	require.ErrorAs(t, context.Cause(ctx), &lost, "the cause is the loss")

	err = held.lost()
	require.ErrorAs(t, err, &lost)
	assert.EqualError(t, err, "the apply of prod stopped and wrote nothing more to its inventory or apply record: "+
		"the inventory lease prod.lock was lost: run B holds it since 2026-06-01T12:04:00Z")

	held.release(context.Background())
	assert.True(t, store.ops["staging"].released)
	assert.False(t, store.ops["prod"].released, "the lease run B holds is left alone")
	assert.NotContains(t, logs.String(), "could not release", "the loss is the run's error, not a warning")
}

func TestTakeLeasesHeld(t *testing.T) {
	store := &fakeLeaseTaker{ops: map[string]*fakeLockOps{}, held: map[string]bool{"prod": true}}
	_, err := takeLeases(t.Context(), store, []string{"staging", "prod"}, "run A", slog.New(slog.DiscardHandler))
	var held *inventory.HeldError
	require.ErrorAs(t, err, &held)
	assert.ErrorContains(t, err, "another apply of prod is running: inventory lock prod.lock is held by run B")
	assert.True(t, store.ops["staging"].released, "the leases taken before are released")
	assert.False(t, errors.Is(err, inventory.ErrLeaseLost))
}
