package kubetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// process is one running component. Its output goes to a log file and it
// runs in a process group of its own, so that stop also reaches anything it
// spawned.
type process struct {
	name    string
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has been reaped
	err     error         // Wait's result, set before done is closed
}

// startProcess starts argv with its standard output and error written to
// logPath, which it truncates first.
func startProcess(name, logPath string, argv []string) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open %s log: %w", name, err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, logPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// exitErr returns a ComponentError when the process has ended, else nil.
func (p *process) exitErr() error {
	select {
	case <-p.done:
		err := ErrExited
		if p.err != nil {
			err = fmt.Errorf("%w: %w", ErrExited, p.err)
		}
		return p.fail(err)
	default:
		return nil
	}
}

// fail wraps err with the component's name and the tail of its log.
func (p *process) fail(err error) error {
	return &ComponentError{Component: p.name, Tail: tail(p.logPath, tailLines), Err: err}
}

// stop sends SIGTERM to the process group, then SIGKILL after grace, and
// waits until the process has been reaped. It reports whether the process
// needed SIGKILL.
func (p *process) stop(grace time.Duration) (killed bool) {
	pgid := -p.cmd.Process.Pid
	select {
	case <-p.done:
		// The leader is gone; make sure nothing it started lingers.
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		return false
	default:
	}
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		killed = true
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
	<-p.done
	return killed
}

// tailLines is how many log lines a start-up failure shows.
const tailLines = 25

// tail returns the last n lines of the file at path, or a note saying why it
// cannot.
func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	defer f.Close()
	const maxRead = 64 << 10
	if st, err := f.Stat(); err == nil && st.Size() > maxRead {
		if _, err := f.Seek(-maxRead, io.SeekEnd); err != nil {
			return fmt.Sprintf("(read log: %v)", err)
		}
	}
	data, err := io.ReadAll(f)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Sprintf("(read log: %v)", err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
