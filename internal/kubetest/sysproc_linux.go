package kubetest

import "syscall"

// sysProcAttr puts a component in a process group of its own, and has the
// kernel kill it if the test binary dies without stopping it (a panic in a
// test, a timeout, a signal).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
