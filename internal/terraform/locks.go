package terraform

import (
	"context"
	"path/filepath"
	"sync"
)

// slot is a lock that a context can give up waiting for.
type slot chan struct{}

func (s slot) acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slot) release() { <-s }

// slots hands out the locks shared by every stage of the process, by kind
// and directory: "dir" for a configuration directory, whose
// .terraform.lock.hcl init writes, and "cache" for a plugin cache
// directory, which Terraform does not lock.
type slots struct {
	mu sync.Mutex
	m  map[[2]string]slot
}

var shared = &slots{m: map[[2]string]slot{}}

func (s *slots) get(kind, dir string) slot {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := [2]string{kind, filepath.Clean(dir)}
	sl, ok := s.m[key]
	if !ok {
		sl = make(slot, 1)
		s.m[key] = sl
	}
	return sl
}
