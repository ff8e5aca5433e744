package terraform

import (
	"os"
	"syscall"
)

// sysProcAttr puts the command in its own process group, so that a Ctrl-C in
// a terminal reaches it only through the context (once), and sends it
// SIGTERM, which Terraform handles like SIGINT, if this process dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// interrupt asks the command to stop as Ctrl-C would.
func interrupt(p *os.Process) error { return p.Signal(os.Interrupt) }
