package kubetest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stop must reach the whole process group, including children that ignore
// SIGTERM, and must wait for the leader.
func TestProcessStopKillsGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := `trap '' TERM; sleep 300 & echo $! > ` + pidFile + `; echo started; wait`
	p, err := startProcess("sh", filepath.Join(dir, "sh.log"), []string{"/bin/sh", "-c", script})
	require.NoError(t, err)

	var child int
	require.Eventually(t, func() bool {
		data, err := os.ReadFile(pidFile)
		if err != nil {
			return false
		}
		child, err = strconv.Atoi(strings.TrimSpace(string(data)))
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)

	p.stop(100 * time.Millisecond)
	require.Error(t, p.exitErr(), "leader still running")
	require.Eventually(t, func() bool {
		return errors.Is(syscall.Kill(child, 0), syscall.ESRCH)
	}, 5*time.Second, 20*time.Millisecond, "child %d survived", child)
}

func TestExitErrCarriesLogTail(t *testing.T) {
	dir := t.TempDir()
	p, err := startProcess("fail", filepath.Join(dir, "fail.log"),
		[]string{"/bin/sh", "-c", "for i in $(seq 1 40); do echo line $i; done; echo 'bind: address already in use' >&2; exit 3"})
	require.NoError(t, err)
	<-p.done

	err = p.exitErr()
	var ce *ComponentError
	require.ErrorAs(t, err, &ce)
	require.ErrorIs(t, err, ErrExited)
	require.Equal(t, "fail", ce.Component)
	require.Len(t, strings.Split(ce.Tail, "\n"), tailLines)
	require.True(t, strings.HasSuffix(ce.Tail, "bind: address already in use"))
	require.NotContains(t, ce.Tail, "line 15\n")
	require.True(t, portTaken(err))
}

func TestTailMissingFile(t *testing.T) {
	require.Contains(t, tail(filepath.Join(t.TempDir(), "none.log"), 5), "no log")
}
