package inventory

import (
	"context"
	"time"
)

// Heartbeat configures the renewals Keep makes.
type Heartbeat struct {
	// Every is the time between renewals; zero means a third of the
	// lease's time to live, so that two renewals can fail before the claim
	// stops being usable.
	Every time.Duration
	// Tick, when not nil, drives the renewals instead of a ticker of Every:
	// one renewal per value received. Tests use it to renew, or not, at
	// will.
	Tick <-chan time.Time
	// Renewed, when not nil, is called from the heartbeat's goroutine after
	// each renewal with its error (nil when renewed).
	Renewed func(error)
}

// Keep renews the lease in the background, as h says, until ctx is done,
// the claim is released (Release stops the heartbeat and waits for it) or
// the lease is found lost. A renewal that fails for another reason (the
// store did not answer) is tried again at the next beat; when none succeeds
// before the claim's usable time runs out, the claim is lost. Calling Keep
// again replaces the running heartbeat.
func (c *Claim) Keep(ctx context.Context, h Heartbeat) {
	tick := h.Tick
	var ticker *time.Ticker
	if tick == nil {
		every := h.Every
		if every <= 0 {
			every = c.ttl / 3
		}
		ticker = time.NewTicker(every)
		tick = ticker.C
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if ticker != nil {
			defer ticker.Stop()
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-c.lostCh:
				return
			case <-tick:
			}
			if ctx.Err() != nil {
				return
			}
			err := c.Renew(ctx)
			if ctx.Err() != nil {
				return // stopped during the renewal
			}
			if h.Renewed != nil {
				h.Renewed(err)
			}
			if c.Err() != nil || c.isReleased() {
				return
			}
		}
	}()
	c.mu.Lock()
	prev := c.stopBeat
	c.stopBeat = func() { cancel(); <-done }
	c.mu.Unlock()
	if prev != nil {
		prev()
	}
}

func (c *Claim) isReleased() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.released
}
