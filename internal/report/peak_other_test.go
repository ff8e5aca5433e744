//go:build !linux

package report

import "time"

func peakMB() (float64, bool) { return 0, false }

func cpuTime() (time.Duration, bool) { return 0, false }
