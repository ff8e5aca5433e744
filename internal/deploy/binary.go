package deploy

import (
	"context"
	"errors"
	"sync"

	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/plan"
	"github.com/tierdeploy/tierdeploy/internal/tier"
)

// StackBinary is the Terraform or OpenTofu binary one stack runs, or why it
// cannot be had.
type StackBinary struct {
	Stack  plan.Stack
	Binary Binary
	Err    error
}

// ChooseBinaries decides which binary the Terraform stage of each stack
// runs, without installing anything (Toolchain.SelectTerraform, once per
// distinct request). Stacks without a Terraform stage are left out; the
// others keep their order. `tierdeploy version` shows it, and the flows
// check it before any stack runs.
func ChooseBinaries(ctx context.Context, tools Toolchain, cfg *config.Config, stacks []tier.Stack) []StackBinary {
	return forEachRequest(ctx, cfg, stacks, 1, tools.SelectTerraform)
}

// InstallBinaries installs the binary of each stack's Terraform stage into
// the tool cache (Toolchain.FindTerraform, once per distinct request, at
// most parallelism at once): `tierdeploy tools install`. Stacks without a
// Terraform stage are left out; the others keep their order.
func InstallBinaries(ctx context.Context, tools Toolchain, cfg *config.Config, stacks []tier.Stack, parallelism int) []StackBinary {
	return forEachRequest(ctx, cfg, stacks, parallelism, tools.FindTerraform)
}

// forEachRequest calls do once per distinct request of the stacks, at
// most parallelism at once, and returns each stack's answer.
func forEachRequest(ctx context.Context, cfg *config.Config, stacks []tier.Stack, parallelism int,
	do func(context.Context, BinaryRequest) (Binary, error)) []StackBinary {
	var (
		out  []StackBinary
		reqs []BinaryRequest
		seen = map[BinaryRequest]int{}
		of   []int // request index of each entry of out
	)
	for _, s := range stacks {
		t := cfg.Tier(s.Tier)
		if t == nil || t.Terraform == nil {
			continue
		}
		req := binaryRequest(cfg, s, t)
		i, ok := seen[req]
		if !ok {
			i = len(reqs)
			seen[req] = i
			reqs = append(reqs, req)
		}
		out = append(out, StackBinary{Stack: s.Key()})
		of = append(of, i)
	}
	type answer struct {
		bin Binary
		err error
	}
	answers := make([]answer, len(reqs))
	if parallelism < 1 {
		parallelism = 1
	}
	sem := make(chan struct{}, parallelism)
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			bin, err := do(ctx, req)
			answers[i] = answer{bin, err}
		}()
	}
	wg.Wait()
	for k := range out {
		a := answers[of[k]]
		out[k].Binary, out[k].Err = a.bin, a.err
	}
	return out
}

// BadRequests returns a *VersionError naming the stacks whose request
// cannot be had as written (a *RequestError), one problem per distinct
// message in stack order; nil when there is none.
func BadRequests(bins []StackBinary) error {
	var (
		problems []VersionProblem
		index    = map[string]int{}
	)
	for _, b := range bins {
		var re *RequestError
		if b.Err == nil || !errors.As(b.Err, &re) {
			continue
		}
		msg := b.Err.Error()
		if i, ok := index[msg]; ok {
			problems[i].Stacks = append(problems[i].Stacks, b.Stack)
			continue
		}
		index[msg] = len(problems)
		problems = append(problems, VersionProblem{Stacks: []plan.Stack{b.Stack}, Err: b.Err})
	}
	if len(problems) == 0 {
		return nil
	}
	return &VersionError{Problems: problems}
}

// chooseBinaries decides every stack's binary before any stack runs, and
// logs each choice: a request that cannot be had as written stops the run
// (*VersionError). Other failures (a download, offline mode) fail the
// stack when it runs.
func (r *run) chooseBinaries(ctx context.Context, stacks []tier.Stack) error {
	bins := ChooseBinaries(ctx, r.Tools, r.Config, stacks)
	for _, b := range bins {
		if b.Err == nil {
			r.log.Info("terraform chosen", "stack", b.Stack.String(), "choice", b.Binary.Choice, "location", b.Binary.Location)
		}
	}
	return BadRequests(bins)
}

// usedBinary records the binary a stack's Terraform stage runs.
func (r *run) usedBinary(s tier.Stack, bin Binary) {
	r.binMu.Lock()
	r.used[s.Key()] = bin.Choice
	r.binMu.Unlock()
}

// toolOf returns the choice of binary recorded for a stack.
func (r *run) toolOf(s plan.Stack) string {
	r.binMu.Lock()
	defer r.binMu.Unlock()
	return r.used[s]
}
