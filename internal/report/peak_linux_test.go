//go:build linux

package report

import (
	"syscall"
	"time"
)

// peakMB returns the peak resident memory of the process in MB.
func peakMB() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return float64(ru.Maxrss) / 1024, true // kilobytes on Linux
}

// cpuTime returns the processor time the process has used, user and
// system: unlike wall time, it does not grow when other processes compete
// for the processor.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
