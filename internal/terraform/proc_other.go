//go:build !unix

package terraform

import (
	"os"
	"syscall"
)

// sysProcAttr leaves the process attributes at their defaults.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// interrupt kills the command: there is no SIGINT to send on this system.
func interrupt(p *os.Process) error { return p.Kill() }
