package ssmstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmstore"
	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
)

const lockName = "/meltano/prod/inventory.lock"

func TestAcquireRelease(t *testing.T) {
	srv := ssmtest.NewServer(t)
	clk := newClock()
	st := newStore(t, srv, ssmstore.Options{Now: clk.Now})
	ctx := t.Context()

	first, err := st.Acquire(ctx, "prod", "pipeline 42", 10*time.Minute)
	require.NoError(t, err)
	v, ok := srv.Value(lockName)
	require.True(t, ok, "the lock is a sibling parameter")
	lease, err := inventory.ParseLease([]byte(v))
	require.NoError(t, err)
	assert.Equal(t, "pipeline 42", lease.Holder)
	assert.Equal(t, clk.Now().Add(10*time.Minute), lease.Expires)
	assert.Equal(t, "String", srv.Versions(lockName)[0].Type)

	_, err = st.Acquire(ctx, "prod", "pipeline 43", time.Minute)
	var held *inventory.HeldError
	require.ErrorAs(t, err, &held)
	assert.ErrorIs(t, err, inventory.ErrLocked)
	assert.Equal(t, "pipeline 42", held.Holder)
	assert.Equal(t, lockName, held.Lock)
	assert.Equal(t, "inventory lock /meltano/prod/inventory.lock is held by pipeline 42 since 2026-06-01T12:00:00Z; "+
		"it expires at 2026-06-01T12:10:00Z unless released earlier", err.Error())

	other, err := st.Acquire(ctx, "staging", "pipeline 43", time.Minute)
	require.NoError(t, err, "environments lock separately")
	require.NoError(t, other.Release(ctx))

	require.NoError(t, first.Release(ctx))
	_, ok = srv.Value(lockName)
	assert.False(t, ok, "released")
	require.NoError(t, first.Release(ctx), "release twice")

	again, err := st.Acquire(ctx, "prod", "pipeline 43", time.Minute)
	require.NoError(t, err)
	require.NoError(t, again.Release(ctx))
}

func TestAcquireExpired(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, st *ssmstore.Store, srv *ssmtest.Server, clk *clock) func(t *testing.T)
	}{
		{
			name: "expired lease is taken over",
			setup: func(t *testing.T, st *ssmstore.Store, _ *ssmtest.Server, clk *clock) func(t *testing.T) {
				old, err := st.Acquire(t.Context(), "prod", "crashed job", time.Minute)
				require.NoError(t, err)
				clk.Advance(time.Minute)
				return func(t *testing.T) {
					err := old.Release(t.Context())
					assert.ErrorIs(t, err, inventory.ErrLeaseLost)
					assert.ErrorContains(t, err, "new job holds it since 2026-06-01T12:01:00Z")
				}
			},
		},
		{
			name: "unreadable lock is taken over",
			setup: func(t *testing.T, _ *ssmstore.Store, srv *ssmtest.Server, _ *clock) func(t *testing.T) {
				_, err := srv.Client().PutParameter(t.Context(), &ssm.PutParameterInput{Name: aws.String(lockName),
					Value: aws.String("garbage"), Type: types.ParameterTypeString})
				require.NoError(t, err)
				return func(*testing.T) {}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			clk := newClock()
			st := newStore(t, srv, ssmstore.Options{Now: clk.Now})
			check := tt.setup(t, st, srv, clk)
			claim, err := st.Acquire(t.Context(), "prod", "new job", time.Minute)
			require.NoError(t, err)
			v, _ := srv.Value(lockName)
			lease, err := inventory.ParseLease([]byte(v))
			require.NoError(t, err)
			assert.Equal(t, "new job", lease.Holder)
			check(t)
			require.NoError(t, claim.Release(t.Context()))
		})
	}
}

func TestAcquireWait(t *testing.T) {
	tests := []struct {
		name       string
		wait       time.Duration
		releaseIn  time.Duration
		wantHeld   bool
		cancelCtx  bool
		wantCancel bool
	}{
		{name: "no wait", wantHeld: true},
		{name: "released while waiting", wait: 5 * time.Second, releaseIn: 50 * time.Millisecond},
		{name: "wait times out", wait: 80 * time.Millisecond, wantHeld: true},
		{name: "context cancelled", wait: 5 * time.Second, cancelCtx: true, wantCancel: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ssmtest.NewServer(t)
			holder := newStore(t, srv, ssmstore.Options{})
			first, err := holder.Acquire(t.Context(), "prod", "first", time.Hour)
			require.NoError(t, err)
			if tt.releaseIn > 0 {
				time.AfterFunc(tt.releaseIn, func() { _ = first.Release(t.Context()) })
			}
			waiter := newStore(t, srv, ssmstore.Options{LockWait: tt.wait, LockPoll: 10 * time.Millisecond})
			ctx := t.Context()
			if tt.cancelCtx {
				c, cancel := context.WithTimeout(t.Context(), 60*time.Millisecond)
				defer cancel()
				ctx = c
			}
			got, err := waiter.Acquire(ctx, "prod", "second", time.Minute)
			switch {
			case tt.wantCancel:
				assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
			case tt.wantHeld:
				assert.ErrorIs(t, err, inventory.ErrLocked)
			default:
				require.NoError(t, err)
				require.NoError(t, got.Release(t.Context()))
			}
		})
	}
}

func TestAcquireRace(t *testing.T) {
	for range 10 {
		srv := ssmtest.NewServer(t)
		clk := newClock()
		st := newStore(t, srv, ssmstore.Options{Now: clk.Now})
		_, err := st.Acquire(t.Context(), "prod", "expired", time.Minute)
		require.NoError(t, err)
		clk.Advance(time.Hour)

		var (
			mu      sync.Mutex
			winners []string
			wg      sync.WaitGroup
		)
		for i := range 8 {
			wg.Go(func() {
				holder := fmt.Sprintf("racer %d", i)
				_, err := st.Acquire(t.Context(), "prod", holder, time.Hour)
				if err == nil {
					mu.Lock()
					winners = append(winners, holder)
					mu.Unlock()
					return
				}
				assert.ErrorIs(t, err, inventory.ErrLocked)
			})
		}
		wg.Wait()
		require.Len(t, winners, 1, "exactly one racer takes the expired lock")
		v, _ := srv.Value(lockName)
		l, err := inventory.ParseLease([]byte(v))
		require.NoError(t, err)
		assert.Equal(t, winners[0], l.Holder, "the lock ends up holding the winner's lease")
	}
}
