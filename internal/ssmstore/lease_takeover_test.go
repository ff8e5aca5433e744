package ssmstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/inventory"
	"github.com/tierdeploy/tierdeploy/internal/ssmstore"
	"github.com/tierdeploy/tierdeploy/internal/ssmtest"
)

// The attack: two applies of one environment. Run A holds the lease and is
// paused (a stopped runner, a slow step) past the lease's expiry; run B
// takes the lease over and publishes a newer inventory. When run A resumes
// it must not publish its older inventory over the newer one, nor write the
// apply record, nor delete run B's lease, and it must report the lease as
// lost, naming run B. SSM has no conditional write, so the pause is tried
// at each point between two of run A's requests.

const (
	leaseTTL = 3 * time.Minute
	invName  = "/meltano/prod/inventory"
)

// holderOf returns the holder named in the lock parameter, or "" when there
// is none.
func holderOf(t *testing.T, srv *ssmtest.Server) string {
	t.Helper()
	v, ok := srv.Value(lockName)
	if !ok {
		return ""
	}
	l, err := inventory.ParseLease([]byte(v))
	require.NoError(t, err)
	return l.Holder
}

// race is two runs on one ssmtest server, each with its own clock.
type race struct {
	srv        *ssmtest.Server
	clkA, clkB *clock
	a, b       *ssmstore.Store
}

func newRace(t *testing.T) *race {
	r := &race{srv: ssmtest.NewServer(t), clkA: newClock(), clkB: newClock()}
	r.a = newStore(t, r.srv, ssmstore.Options{Now: r.clkA.Now})
	r.b = newStore(t, r.srv, ssmstore.Options{Now: r.clkB.Now})
	return r
}

// takeOver plays run B: four minutes later it takes the lease over and
// publishes a newer inventory and apply record. It returns run B's claim.
func (r *race) takeOver(t *testing.T) *inventory.Claim {
	t.Helper()
	r.clkB.Advance(4 * time.Minute)
	ctx := context.Background()
	runB, err := r.b.Acquire(ctx, "prod", "run B", leaseTTL)
	require.NoError(t, err, "run B takes the expired lease over")
	_, err = r.b.Put(ctx, runB, document(t, "prod", "c3", map[string]string{"v": `"newer"`}))
	require.NoError(t, err)
	rec := inventory.NewApplied("prod")
	rec.Finish("infrastructure", inventory.ApplyMark{Commit: "c3", At: r.clkB.Now()})
	require.NoError(t, r.b.PutApplied(ctx, runB, rec))
	return runB
}

// onceOn returns a hook for ssmtest's Before or After that runs fn the
// first time the operation is made on the parameter once armed.
func onceOn(op, name string, fn func()) (hook func(string, string), arm func()) {
	var mu sync.Mutex
	armed := false
	return func(gotOp, gotName string) {
			mu.Lock()
			run := armed && gotOp == op && gotName == name
			if run {
				armed = false
			}
			mu.Unlock()
			if run {
				fn()
			}
		}, func() {
			mu.Lock()
			armed = true
			mu.Unlock()
		}
}

// checkRunBUnharmed checks that run B's inventory, apply record and lease
// are what run B wrote, and that run B goes on.
func (r *race) checkRunBUnharmed(t *testing.T, runB *inventory.Claim) {
	t.Helper()
	ctx := t.Context()
	cur, _, err := r.b.Get(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, "c3", cur.Commit, "the newer inventory stays")
	vs := r.srv.Versions(invName)
	assert.Equal(t, "c3", mustParse(t, vs[len(vs)-1].Value).Commit, "the latest version is run B's")
	rec, err := r.b.GetApplied(ctx, "prod")
	require.NoError(t, err)
	assert.Equal(t, "c3", rec.Stacks["infrastructure"].Last.Commit, "run A did not write the apply record")
	assert.Equal(t, "run B", holderOf(t, r.srv), "run A did not delete run B's lease")

	require.NoError(t, runB.Renew(ctx))
	_, err = r.b.Put(ctx, runB, document(t, "prod", "c4", map[string]string{"v": `"newest"`}))
	require.NoError(t, err, "run B goes on")
	require.NoError(t, runB.Release(ctx))
	assert.Empty(t, holderOf(t, r.srv))
}

func mustParse(t *testing.T, v string) *inventory.Document {
	t.Helper()
	d, err := inventory.Parse([]byte(v))
	require.NoError(t, err)
	return d
}

// requireLostToB checks that err reports the lease as lost to run B.
func requireLostToB(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, inventory.ErrLeaseLost)
	var lost *inventory.LostError
	require.ErrorAs(t, err, &lost)
	assert.Equal(t, "run B", lost.Holder, "names the run that holds the lease: %v", err)
}

func TestPausedRunCannotWriteAfterTakeover(t *testing.T) {
	tests := []struct {
		name string
		// pauseA moves run A's clock while it is paused; run B's moves four
		// minutes.
		pauseA time.Duration
	}{
		{name: "paused past the expiry", pauseA: 4 * time.Minute},
		// Run A's clock did not move (it is behind run B's by more than the
		// margin): only the lock's token tells run A it lost the lease.
		{name: "clock behind", pauseA: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRace(t)
			ctx := t.Context()
			runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
			require.NoError(t, err)
			tick := make(chan time.Time) // run A's heartbeat, which never beats while it is paused
			runA.Keep(ctx, inventory.Heartbeat{Tick: tick})
			_, err = r.a.Put(ctx, runA, document(t, "prod", "c1", map[string]string{"v": `"first"`}))
			require.NoError(t, err)
			_, err = r.b.Acquire(ctx, "prod", "run B", leaseTTL)
			require.ErrorIs(t, err, inventory.ErrLocked, "run A's lease is live")

			r.clkA.Advance(tt.pauseA)
			runB := r.takeOver(t)
			puts := r.srv.Calls("PutParameter")
			deletes := r.srv.Calls("DeleteParameter")

			// Run A resumes.
			_, err = r.a.Put(ctx, runA, document(t, "prod", "c2", map[string]string{"v": `"older"`}))
			requireLostToB(t, err)
			assert.ErrorContains(t, err, "the inventory lease "+lockName+" was lost: run B holds it since 2026-06-01T12:04:00Z")
			rec := inventory.NewApplied("prod")
			rec.Finish("infrastructure", inventory.ApplyMark{Commit: "c2", At: r.clkA.Now()})
			requireLostToB(t, r.a.PutApplied(ctx, runA, rec))
			requireLostToB(t, runA.Renew(ctx))
			select {
			case tick <- r.clkA.Now():
				t.Error("run A's heartbeat still beats")
			case <-time.After(20 * time.Millisecond):
			}
			requireLostToB(t, runA.Release(ctx))
			assert.Equal(t, puts, r.srv.Calls("PutParameter"), "run A wrote nothing")
			assert.Equal(t, deletes, r.srv.Calls("DeleteParameter"), "run A deleted nothing")
			r.checkRunBUnharmed(t, runB)
		})
	}
}

// TestPausedBetweenCheckAndWrite pauses run A right after a request of a
// fenced write took effect, before run A sees the answer, and lets run B
// take over then. No later request of run A may write.
func TestPausedBetweenCheckAndWrite(t *testing.T) {
	tests := []struct {
		name string
		// after is the request of run A's write after which it is paused.
		op, param string
		apply     bool // PutApplied rather than Put
	}{
		{name: "after the check of the lock", op: "GetParameter", param: lockName},
		{name: "after reading the current inventory", op: "GetParameter", param: invName},
		{name: "apply record, after the check of the lock", op: "GetParameter", param: lockName, apply: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRace(t)
			ctx := t.Context()
			runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
			require.NoError(t, err)
			var runB *inventory.Claim
			hook, arm := onceOn(tt.op, tt.param, func() {
				r.clkA.Advance(4 * time.Minute) // the same pause on both clocks
				runB = r.takeOver(t)
			})
			r.srv.After(hook)
			var puts int
			arm()
			if tt.apply {
				rec := inventory.NewApplied("prod")
				rec.Finish("infrastructure", inventory.ApplyMark{Commit: "c2", At: r.clkA.Now()})
				err = r.a.PutApplied(ctx, runA, rec)
			} else {
				_, err = r.a.Put(ctx, runA, document(t, "prod", "c2", map[string]string{"v": `"older"`}))
			}
			r.srv.After(nil)
			require.NotNil(t, runB, "the pause happened")
			requireLostToB(t, err)
			puts = r.srv.CallsOn("PutParameter", invName) + r.srv.CallsOn("PutParameter", appliedName)
			assert.Equal(t, 2, puts, "only run B's two writes went through")
			assert.Zero(t, r.srv.CallsOn("LabelParameterVersion", invName)-1, "only run B's label")
			requireLostToB(t, runA.Release(ctx))
			r.checkRunBUnharmed(t, runB)
		})
	}
}

// TestReleasePausedBeforeDelete is the release race: run A reads the lock,
// finds its token, and is paused before it deletes the lock; run B takes
// the lease over meanwhile. Run A must not delete run B's lock.
func TestReleasePausedBeforeDelete(t *testing.T) {
	r := newRace(t)
	ctx := t.Context()
	runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
	require.NoError(t, err)
	var runB *inventory.Claim
	hook, arm := onceOn("GetParameter", lockName, func() {
		r.clkA.Advance(4 * time.Minute)
		runB = r.takeOver(t)
	})
	r.srv.After(hook)
	arm()
	err = runA.Release(ctx)
	r.srv.After(nil)
	require.NotNil(t, runB)
	requireLostToB(t, err)
	assert.Zero(t, r.srv.Calls("DeleteParameter"), "run A sent no delete")
	r.checkRunBUnharmed(t, runB)
}

// TestRemainingWindow shows what SSM's lack of a conditional write leaves:
// a request of run A that was already sent, and that SSM applies only after
// run B took over (a request delayed past the lease's margin). The write
// lands, but run A reports the lease lost and that its write may have
// landed; a delete lands too, and run B then finds its lease gone at its
// next write instead of writing unprotected.
func TestRemainingWindow(t *testing.T) {
	t.Run("write", func(t *testing.T) {
		r := newRace(t)
		ctx := t.Context()
		runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
		require.NoError(t, err)
		var runB *inventory.Claim
		hook, arm := onceOn("PutParameter", invName, func() {
			r.clkA.Advance(4 * time.Minute)
			runB = r.takeOver(t)
		})
		r.srv.Before(hook)
		arm()
		_, err = r.a.Put(ctx, runA, document(t, "prod", "c2", map[string]string{"v": `"older"`}))
		r.srv.Before(nil)
		require.NotNil(t, runB)
		requireLostToB(t, err)
		var lost *inventory.LostError
		require.ErrorAs(t, err, &lost)
		assert.True(t, lost.AfterWrite)
		assert.ErrorContains(t, err, "the last write may have landed after that run took over: check the inventory's history")
		vs := r.srv.Versions(invName)
		assert.Equal(t, "c2", mustParse(t, vs[len(vs)-1].Value).Commit, "the delayed write landed")
		assert.Zero(t, r.srv.CallsOn("LabelParameterVersion", invName)-1, "and nothing after it")
		require.NoError(t, runB.Release(ctx))
	})
	t.Run("release", func(t *testing.T) {
		r := newRace(t)
		ctx := t.Context()
		runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
		require.NoError(t, err)
		var runB *inventory.Claim
		hook, arm := onceOn("DeleteParameter", lockName, func() {
			r.clkA.Advance(4 * time.Minute)
			runB = r.takeOver(t)
		})
		r.srv.Before(hook)
		arm()
		require.NoError(t, runA.Release(ctx))
		r.srv.Before(nil)
		require.NotNil(t, runB)
		assert.Empty(t, holderOf(t, r.srv), "the delayed delete landed on run B's lock")
		_, err = r.b.Put(ctx, runB, document(t, "prod", "c4", map[string]string{"v": `"newest"`}))
		require.ErrorIs(t, err, inventory.ErrLeaseLost, "run B finds out at its next write")
		assert.ErrorContains(t, err, "the lock parameter was deleted")
	})
}

func TestHeartbeatKeepsTheLease(t *testing.T) {
	r := newRace(t)
	ctx := t.Context()
	runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
	require.NoError(t, err)
	tick, renewed := make(chan time.Time), make(chan error)
	runA.Keep(ctx, inventory.Heartbeat{Tick: tick, Renewed: func(err error) { renewed <- err }})
	for range 5 { // ten minutes, more than three leases
		r.clkA.Advance(2 * time.Minute)
		r.clkB.Advance(2 * time.Minute)
		tick <- r.clkA.Now()
		require.NoError(t, <-renewed)
		_, err := r.b.Acquire(ctx, "prod", "run B", leaseTTL)
		var held *inventory.HeldError
		require.ErrorAs(t, err, &held, "a renewed lease is not taken over")
		assert.Equal(t, "run A", held.Holder)
		assert.Equal(t, r.clkA.Now().Add(leaseTTL), held.Expires)
	}
	_, err = r.a.Put(ctx, runA, document(t, "prod", "c1", nil))
	require.NoError(t, err, "still usable")
	require.NoError(t, runA.Release(ctx))
	select {
	case tick <- r.clkA.Now():
		t.Error("the heartbeat beats after release")
	case <-time.After(20 * time.Millisecond):
	}
	assert.Empty(t, holderOf(t, r.srv))
}

// TestRenewalRacesATakeover lands run B's takeover between run A's read of
// the lock and its overwrite, in a renewal that came too late: the takeover
// wins, run A puts run B's lease back and reports the loss.
func TestRenewalRacesATakeover(t *testing.T) {
	r := newRace(t)
	ctx := t.Context()
	runA, err := r.a.Acquire(ctx, "prod", "run A", leaseTTL)
	require.NoError(t, err)
	r.clkA.Advance(2 * time.Minute) // a late renewal: the lease is still usable for run A
	var runB *inventory.Claim
	hook, arm := onceOn("PutParameter", lockName, func() {
		r.clkB.Advance(4 * time.Minute)
		runB, err = r.b.Acquire(context.Background(), "prod", "run B", leaseTTL)
		require.NoError(t, err)
	})
	r.srv.Before(hook)
	arm()
	err = runA.Renew(ctx)
	r.srv.Before(nil)
	require.NotNil(t, runB)
	requireLostToB(t, err)
	assert.Equal(t, "run B", holderOf(t, r.srv), "run B's lease was put back")
	require.NoError(t, runB.Check(ctx))
	require.NoError(t, runB.Release(ctx))
}
