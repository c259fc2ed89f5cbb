//go:build unix

package understand

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used: on a shared machine it
// measures the work, where the wall clock also measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
