package testtools

import "syscall"

// sysProcAttr puts a server in its own process group, killed with the test
// binary if that dies first.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
