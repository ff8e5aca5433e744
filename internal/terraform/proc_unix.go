//go:build unix && !linux

package terraform

import (
	"os"
	"syscall"
)

// sysProcAttr puts the command in its own process group, so that a Ctrl-C in
// a terminal reaches it only through the context (once).
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// interrupt asks the command to stop as Ctrl-C would.
func interrupt(p *os.Process) error { return p.Signal(os.Interrupt) }
