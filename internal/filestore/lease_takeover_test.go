package filestore_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/inventory"
)

// The attack: two applies of one environment. Run A holds the lease and is
// paused (a stopped runner, a slow step) past the lease's expiry; run B
// takes the lease over and publishes a newer inventory. When run A resumes
// it must not publish its older inventory over the newer one, nor write the
// apply record, nor delete run B's lease, and it must report the lease as
// lost, naming run B.

const leaseTTL = 3 * time.Minute

// holderOf returns the holder named in the lock file.
func holderOf(t *testing.T, st *filestore.Store, env string) string {
	t.Helper()
	b, err := os.ReadFile(st.LockPath(env))
	require.NoError(t, err)
	l, err := inventory.ParseLease(b)
	require.NoError(t, err)
	return l.Holder
}

func TestPausedRunCannotWriteAfterTakeover(t *testing.T) {
	tests := []struct {
		name string
		// pauseA moves run A's clock while it is paused; run B's clock moves
		// four minutes.
		pauseA time.Duration
	}{
		{name: "paused past the expiry", pauseA: 4 * time.Minute},
		// Run A's clock did not move (it is behind run B's by more than the
		// margin): only the lock's token tells run A it lost the lease.
		{name: "clock behind", pauseA: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			clkA, clkB := newClock(), newClock()
			a := newStore(t, filestore.Options{Dir: dir, Now: clkA.Now})
			b := newStore(t, filestore.Options{Dir: dir, Now: clkB.Now, LockWait: time.Second, LockPoll: 10 * time.Millisecond})
			ctx := t.Context()

			runA, err := a.Acquire(ctx, "prod", "run A", leaseTTL)
			require.NoError(t, err)
			tick := make(chan time.Time) // run A's heartbeat, which never beats while it is paused
			runA.Keep(ctx, inventory.Heartbeat{Tick: tick})
			_, err = a.Put(ctx, runA, document(t, "prod", "c1", map[string]string{"v": `"first"`}))
			require.NoError(t, err)

			_, err = b.Acquire(ctx, "prod", "run B", leaseTTL)
			require.ErrorIs(t, err, inventory.ErrLocked, "run A's lease is live")

			clkA.Advance(tt.pauseA)
			clkB.Advance(4 * time.Minute)
			runB, err := b.Acquire(ctx, "prod", "run B", leaseTTL)
			require.NoError(t, err, "run B takes the expired lease over")
			newer := document(t, "prod", "c3", map[string]string{"v": `"newer"`})
			_, err = b.Put(ctx, runB, newer)
			require.NoError(t, err)
			recB := inventory.NewApplied("prod")
			recB.Finish("infrastructure", inventory.ApplyMark{Commit: "c3", At: clkB.Now()})
			require.NoError(t, b.PutApplied(ctx, runB, recB))

			// Run A resumes.
			older := document(t, "prod", "c2", map[string]string{"v": `"older"`})
			_, err = a.Put(ctx, runA, older)
			require.ErrorIs(t, err, inventory.ErrLeaseLost)
			var lost *inventory.LostError
			require.ErrorAs(t, err, &lost)
			assert.Equal(t, "run B", lost.Holder, "names the run that holds the lease")
			assert.ErrorContains(t, err, "run B holds it since 2026-06-01T12:04:00Z")

			recA := inventory.NewApplied("prod")
			recA.Finish("infrastructure", inventory.ApplyMark{Commit: "c2", At: clkA.Now()})
			assert.ErrorIs(t, a.PutApplied(ctx, runA, recA), inventory.ErrLeaseLost)
			assert.ErrorIs(t, runA.Renew(ctx), inventory.ErrLeaseLost)
			select {
			case tick <- clkA.Now():
				t.Error("run A's heartbeat still beats")
			case <-time.After(20 * time.Millisecond):
			}
			assert.ErrorIs(t, runA.Release(ctx), inventory.ErrLeaseLost)

			cur, ver, err := b.Get(ctx, "prod")
			require.NoError(t, err)
			assert.Equal(t, "c3", cur.Commit, "the newer inventory stays")
			assert.Equal(t, int64(2), ver.Number, "run A wrote no version")
			rec, err := b.GetApplied(ctx, "prod")
			require.NoError(t, err)
			assert.Equal(t, recB, rec, "run A did not write the apply record")
			assert.Equal(t, "run B", holderOf(t, b, "prod"), "run A did not delete run B's lease")

			// Run B goes on.
			require.NoError(t, runB.Renew(ctx))
			_, err = b.Put(ctx, runB, document(t, "prod", "c4", map[string]string{"v": `"newest"`}))
			require.NoError(t, err)
			require.NoError(t, runB.Release(ctx))
			assert.NoFileExists(t, b.LockPath("prod"))
		})
	}
}

func TestHeartbeatKeepsTheLease(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	a := newStore(t, filestore.Options{Dir: dir, Now: clk.Now})
	b := newStore(t, filestore.Options{Dir: dir, Now: clk.Now})
	ctx := t.Context()

	runA, err := a.Acquire(ctx, "prod", "run A", leaseTTL)
	require.NoError(t, err)
	tick, renewed := make(chan time.Time), make(chan error)
	runA.Keep(ctx, inventory.Heartbeat{Tick: tick, Renewed: func(err error) { renewed <- err }})
	for range 5 { // ten minutes, more than three leases
		clk.Advance(2 * time.Minute)
		tick <- clk.Now()
		require.NoError(t, <-renewed)
		_, err := b.Acquire(ctx, "prod", "run B", leaseTTL)
		var held *inventory.HeldError
		require.ErrorAs(t, err, &held, "a renewed lease is not taken over")
		assert.Equal(t, "run A", held.Holder)
		assert.Equal(t, clk.Now().Add(leaseTTL), held.Expires)
	}
	_, err = a.Put(ctx, runA, document(t, "prod", "c1", nil))
	require.NoError(t, err, "still usable")
	require.NoError(t, runA.Release(ctx))
	select {
	case tick <- clk.Now():
		t.Error("the heartbeat beats after release")
	case <-time.After(20 * time.Millisecond):
	}
	runB, err := b.Acquire(ctx, "prod", "run B", leaseTTL)
	require.NoError(t, err)
	require.NoError(t, runB.Release(ctx))
}

// TestTakeoverWaitsForAFencedWrite pauses run A in the middle of a write,
// past its lease's expiry: run B's takeover waits until the write is done,
// so the write cannot land after the takeover, and run A's next write finds
// run B's token.
func TestTakeoverWaitsForAFencedWrite(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	a := newStore(t, filestore.Options{Dir: dir, Now: clk.Now})
	b := newStore(t, filestore.Options{Dir: dir, Now: clk.Now, LockWait: 10 * time.Second, LockPoll: 10 * time.Millisecond})
	ctx := t.Context()

	runA, err := a.Acquire(ctx, "prod", "run A", leaseTTL)
	require.NoError(t, err)
	inWrite, resume := make(chan struct{}), make(chan struct{})
	wrote := make(chan error, 1)
	go func() {
		wrote <- runA.Write(ctx, func(context.Context) error {
			close(inWrite)
			<-resume
			return nil
		})
	}()
	<-inWrite
	clk.Advance(4 * time.Minute)

	taken := make(chan *inventory.Claim, 1)
	go func() {
		c, err := b.Acquire(ctx, "prod", "run B", leaseTTL)
		assert.NoError(t, err)
		taken <- c
	}()
	select {
	case <-taken:
		t.Fatal("run B took the lease over while run A was writing under it")
	case <-time.After(200 * time.Millisecond):
	}
	close(resume)
	require.NoError(t, <-wrote, "the write was done before the takeover")
	runB := <-taken
	require.NotNil(t, runB)
	assert.Equal(t, "run B", holderOf(t, b, "prod"))

	_, err = a.Put(ctx, runA, document(t, "prod", "c2", nil))
	require.ErrorIs(t, err, inventory.ErrLeaseLost)
	assert.ErrorContains(t, err, "run B holds it")
	require.NoError(t, runB.Release(ctx))
}

// TestRacingRuns starts two runs on one environment at once, each waiting
// for the lease: they apply one after the other, and each writes only under
// its own lease.
func TestRacingRuns(t *testing.T) {
	dir := t.TempDir()
	results := make(chan error, 2)
	for _, name := range []string{"run A", "run B"} {
		st := newStore(t, filestore.Options{Dir: dir, LockWait: 10 * time.Second, LockPoll: 5 * time.Millisecond})
		go func() {
			c, err := st.Acquire(t.Context(), "prod", name, leaseTTL)
			if err != nil {
				results <- err
				return
			}
			defer c.Release(context.Background())
			for i := range 5 {
				doc := document(t, "prod", name, map[string]string{"i": string(rune('0' + i))})
				if _, err := st.Put(t.Context(), c, doc); err != nil {
					results <- err
					return
				}
				// The lock is ours for as long as we write.
				if h := holderOf(t, st, "prod"); h != name {
					results <- assert.AnError
					return
				}
			}
			results <- nil
		}()
	}
	require.NoError(t, <-results)
	require.NoError(t, <-results)
	st := newStore(t, filestore.Options{Dir: dir})
	hist, err := st.History(t.Context(), "prod")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(hist), 5)
	// The versions come in two runs, never interleaved.
	changes := 0
	for i := 1; i < len(hist); i++ {
		if hist[i].Commit != hist[i-1].Commit {
			changes++
		}
	}
	assert.LessOrEqual(t, changes, 1, "the runs' writes did not interleave: %v", hist)
}
