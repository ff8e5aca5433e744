package terraform

import (
	"context"
	"path/filepath"
	"sync"
)

// slot is a lock that a context can give up waiting for.
type slot chan struct{}

func newSlot() slot { return make(slot, 1) }

func (s slot) acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slot) release() { <-s }

// dirState is the state of one Terraform working directory in this process.
type dirState struct {
	slot slot
	// owner is the stage whose init and workspace .terraform/ holds now;
	// guarded by slot.
	owner *Stage
}

// registry hands out the locks shared by every stage of the process: one
// per working directory and one per plugin cache directory.
type registry struct {
	mu     sync.Mutex
	dirs   map[string]*dirState
	caches map[string]slot
}

var shared = &registry{dirs: map[string]*dirState{}, caches: map[string]slot{}}

// dir returns the state of the working directory dir.
func (r *registry) dir(dir string) *dirState {
	r.mu.Lock()
	defer r.mu.Unlock()
	dir = filepath.Clean(dir)
	ds, ok := r.dirs[dir]
	if !ok {
		ds = &dirState{slot: newSlot()}
		r.dirs[dir] = ds
	}
	return ds
}

// cache returns the lock of the plugin cache directory dir.
func (r *registry) cache(dir string) slot {
	r.mu.Lock()
	defer r.mu.Unlock()
	dir = filepath.Clean(dir)
	s, ok := r.caches[dir]
	if !ok {
		s = newSlot()
		r.caches[dir] = s
	}
	return s
}
