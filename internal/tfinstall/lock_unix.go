//go:build unix

package tfinstall

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// lockPoll is how often a busy lock is tried again.
const lockPoll = 50 * time.Millisecond

// lock takes an exclusive advisory lock (flock) on path, creating the file,
// and returns the function that releases it. busy is called once when
// another process (or another lock holder in this one) has it. The lock is
// released by the kernel if the process dies, so it never goes stale.
func lock(ctx context.Context, path string, busy func()) (unlock func(), err error) {
	// O_NOFOLLOW: a symbolic link planted where the lock goes would have
	// the lock create or open a file elsewhere.
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, err
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, err
		}
		if !told && busy != nil {
			busy()
			told = true
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}
