//go:build unix

package tfinstall

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// private returns an *UnsafeCacheError when path exists and someone other
// than this user or root can change it: it is writable by its group or by
// others, or it belongs to another user. follow says whether a symbolic
// link at path is followed (the cache root may be one) or refused. A path
// that does not exist passes: tierdeploy creates it, private.
func private(path string, follow bool) error {
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	info, err := stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return &UnsafeCacheError{Path: path, Problem: "cannot be checked: " + err.Error()}
	case info.Mode()&fs.ModeSymlink != 0:
		return &UnsafeCacheError{Path: path, Problem: "is a symbolic link"}
	case info.Mode().Perm()&0o022 != 0:
		return &UnsafeCacheError{Path: path, Problem: fmt.Sprintf("is writable by other users (mode %04o)", info.Mode().Perm())}
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() && st.Uid != 0 {
		return &UnsafeCacheError{Path: path, Problem: fmt.Sprintf("belongs to another user (uid %d)", st.Uid)}
	}
	return nil
}
