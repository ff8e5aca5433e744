package filestore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestAcquireRelease(t *testing.T) {
	clk := newClock()
	dir := t.TempDir()
	st := newStore(t, filestore.Options{Dir: dir, Now: clk.Now})
	ctx := t.Context()
	lock := filepath.Join(dir, "prod.lock")

	claim, err := st.Acquire(ctx, "prod", "pipeline 42", 10*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, lock, st.LockPath("prod"))
	b, err := os.ReadFile(lock)
	require.NoError(t, err)
	lease, err := inventory.ParseLease(b)
	require.NoError(t, err)
	assert.Equal(t, "pipeline 42", lease.Holder)

	_, err = st.Acquire(ctx, "prod", "pipeline 43", time.Minute)
	var held *inventory.HeldError
	require.ErrorAs(t, err, &held)
	assert.Equal(t, "pipeline 42", held.Holder)
	assert.Equal(t, clk.Now().Add(10*time.Minute), held.Expires)
	assert.ErrorContains(t, err, "is held by pipeline 42 since 2026-06-01T12:00:00Z; it expires at 2026-06-01T12:10:00Z")

	require.NoError(t, claim.Release(ctx))
	assert.NoFileExists(t, lock)
	require.NoError(t, claim.Release(ctx), "release twice")
}

func TestAcquireTakeover(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, st *filestore.Store, clk *clock) func(t *testing.T)
	}{
		{
			name: "expired",
			setup: func(t *testing.T, st *filestore.Store, clk *clock) func(t *testing.T) {
				old, err := st.Acquire(t.Context(), "prod", "crashed job", time.Minute)
				require.NoError(t, err)
				clk.Advance(2 * time.Minute)
				return func(t *testing.T) {
					err := old.Release(t.Context())
					assert.ErrorIs(t, err, inventory.ErrLeaseLost)
					assert.ErrorContains(t, err, "new job holds it since 2026-06-01T12:02:00Z")
				}
			},
		},
		{
			name: "unreadable",
			setup: func(t *testing.T, st *filestore.Store, _ *clock) func(t *testing.T) {
				require.NoError(t, os.WriteFile(st.LockPath("prod"), []byte("garbage"), 0o600))
				return func(*testing.T) {}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			dir := t.TempDir()
			st := newStore(t, filestore.Options{Dir: dir, Now: clk.Now})
			check := tt.setup(t, st, clk)
			claim, err := st.Acquire(t.Context(), "prod", "new job", time.Minute)
			require.NoError(t, err)
			check(t)
			require.NoError(t, claim.Release(t.Context()))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Empty(t, entries, "no stale files left")
		})
	}
}

func TestAcquireRace(t *testing.T) {
	for range 20 {
		clk := newClock()
		dir := t.TempDir()
		st := newStore(t, filestore.Options{Dir: dir, Now: clk.Now})
		_, err := st.Acquire(t.Context(), "prod", "expired", time.Minute)
		require.NoError(t, err)
		clk.Advance(time.Hour)

		var won atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				_, err := st.Acquire(t.Context(), "prod", "racer", time.Hour)
				if err == nil {
					won.Add(1)
					return
				}
				assert.ErrorIs(t, err, inventory.ErrLocked)
			})
		}
		wg.Wait()
		require.Equal(t, int32(1), won.Load(), "exactly one racer takes the expired lock")
	}
}

func TestAcquireWait(t *testing.T) {
	tests := []struct {
		name      string
		wait      time.Duration
		releaseIn time.Duration
		cancel    bool
		wantErr   error
	}{
		{name: "no wait", wantErr: inventory.ErrLocked},
		{name: "released while waiting", wait: 5 * time.Second, releaseIn: 50 * time.Millisecond},
		{name: "wait times out", wait: 80 * time.Millisecond, wantErr: inventory.ErrLocked},
		{name: "context cancelled", wait: 5 * time.Second, cancel: true, wantErr: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			holder := newStore(t, filestore.Options{Dir: dir})
			first, err := holder.Acquire(t.Context(), "prod", "first", time.Hour)
			require.NoError(t, err)
			if tt.releaseIn > 0 {
				time.AfterFunc(tt.releaseIn, func() { _ = first.Release(context.Background()) })
			}
			waiter := newStore(t, filestore.Options{Dir: dir, LockWait: tt.wait, LockPoll: 10 * time.Millisecond})
			ctx := t.Context()
			if tt.cancel {
				c, cancel := context.WithTimeout(ctx, 60*time.Millisecond)
				defer cancel()
				ctx = c
			}
			got, err := waiter.Acquire(ctx, "prod", "second", time.Minute)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.NoError(t, got.Release(t.Context()))
		})
	}
}
