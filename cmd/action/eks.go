package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/cluster"
	"github.com/tierdeploy/tierdeploy/internal/eks"
)

// eksTokens makes the EKS token sources of a run: one per cluster,
// identity and region, shared by every release that reaches the same
// cluster the same way, so that a token is signed once and renewed by one
// source.
type eksTokens struct {
	// now is the clock of the sources; nil means time.Now.
	now func() time.Time

	mu      sync.Mutex
	sources map[string]*eks.TokenSource
}

func newEKSTokens() *eksTokens { return &eksTokens{sources: map[string]*eks.TokenSource{}} }

// source returns the token source of t, making it on first use with the
// standard AWS configuration chain; log receives its debug messages.
func (e *eksTokens) source(ctx context.Context, t cluster.Target, log *slog.Logger) (*eks.TokenSource, error) {
	key := t.Endpoint + "|" + t.ClusterName + "|" + t.RoleARN + "|" + t.Region
	e.mu.Lock()
	defer e.mu.Unlock()
	if s, ok := e.sources[key]; ok {
		return s, nil
	}
	cfg, err := eks.LoadAWSConfig(ctx, t.Region)
	if err != nil {
		return nil, err
	}
	s, err := eks.NewTokenSource(eks.Options{AWS: cfg, Log: log, Now: e.now, ClusterName: t.ClusterName, RoleARN: t.RoleARN})
	if err != nil {
		return nil, err
	}
	e.sources[key] = s
	return s, nil
}
