//go:build !unix

package tfinstall

import (
	"context"
	"os"
)

// lock creates path and returns at once: releases are installed on linux
// and darwin only, where lock_unix.go takes a real file lock. Within one
// process the Installer still installs each release once.
func lock(_ context.Context, path string, _ func()) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	return func() { _ = f.Close() }, nil
}
