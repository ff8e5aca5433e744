package deploy

import (
	"context"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// prerequisites returns, for each stack, the indexes of the selected stacks
// of the same environment whose tiers it needs, directly or not. Stacks are
// in dependency order, so every prerequisite comes earlier.
func prerequisites(cfg *config.Config, stacks []tier.Stack) [][]int {
	index := map[[2]string]int{}
	for i, s := range stacks {
		index[[2]string{s.Tier, s.Environment}] = i
	}
	out := make([][]int, len(stacks))
	for i, s := range stacks {
		for _, dep := range cfg.AllNeeds(cfg.Tier(s.Tier)) {
			if j, ok := index[[2]string{dep.Name, s.Environment}]; ok {
				out[i] = append(out[i], j)
			}
		}
	}
	return out
}

// schedule runs work for every stack, at most parallelism at a time, each
// after its prerequisites finished; work receives their outcomes. Outcomes
// are returned in the stacks' order. When ctx ends, stacks not started yet
// still get work called (with the ended ctx), so they can record that.
func schedule[T any](ctx context.Context, n int, prereqs [][]int, parallelism int, work func(ctx context.Context, i int, before []T) T) []T {
	if parallelism < 1 {
		parallelism = 1
	}
	out := make([]T, n)
	done := make([]chan struct{}, n)
	for i := range done {
		done[i] = make(chan struct{})
	}
	slots := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer close(done[i])
			var before []T
			if prereqs != nil {
				before = make([]T, 0, len(prereqs[i]))
				for _, j := range prereqs[i] {
					<-done[j]
					before = append(before, out[j])
				}
			}
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
			}
			out[i] = work(ctx, i, before)
		})
	}
	wg.Wait()
	return out
}
