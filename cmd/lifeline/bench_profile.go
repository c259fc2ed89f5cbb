package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/google/pprof/profile"
)

// cpuSplit is where an instance's CPU went by its goroutine's stack: the
// embedded NATS node (any frame of nats-server), the Go runtime alone
// (garbage collection workers, the scheduler: shared by both), and the
// rest, Lifeline with its libraries (the NATS client among them).
type cpuSplit struct {
	nats, runtime, lifeline float64 // CPU seconds sampled
}

func (s *cpuSplit) add(o cpuSplit) {
	s.nats += o.nats
	s.runtime += o.runtime
	s.lifeline += o.lifeline
}

// natsShare is the node's part of the CPU, the runtime's spread over
// both in proportion; NaN without samples.
func (s cpuSplit) natsShare() float64 {
	return s.nats / (s.nats + s.lifeline)
}

func (s cpuSplit) String() string {
	total := s.nats + s.runtime + s.lifeline
	if total <= 0 {
		return "no CPU samples"
	}
	return fmt.Sprintf("CPU profile: NATS node %.0f%%, Lifeline and its libraries %.0f%%, Go runtime alone %.0f%% (%.1f s sampled)",
		100*s.nats/total, 100*s.lifeline/total, 100*s.runtime/total, total)
}

// readCPUSplit reads the CPU profiles at paths (pprof's gzipped protocol
// buffer, as /debug/pprof/profile writes it) and sums their splits.
func readCPUSplit(paths []string) (cpuSplit, error) {
	var sum cpuSplit
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return sum, err
		}
		s, err := splitCPUProfile(b)
		if err != nil {
			return sum, fmt.Errorf("%s: %w", p, err)
		}
		sum.add(s)
	}
	return sum, nil
}

// splitCPUProfile sorts each sample of a CPU profile by the functions on
// its stack (inlined frames included). A sample's last value is its CPU
// time in nanoseconds.
func splitCPUProfile(gz []byte) (cpuSplit, error) {
	prof, err := profile.ParseData(gz)
	if err != nil {
		return cpuSplit{}, fmt.Errorf("read the profile: %w", err)
	}
	var split cpuSplit
	for _, s := range prof.Sample {
		if len(s.Value) == 0 {
			continue
		}
		nats, runtimeOnly := false, true
		for _, l := range s.Location {
			for _, line := range l.Line {
				if line.Function == nil {
					continue
				}
				name := line.Function.Name
				nats = nats || strings.HasPrefix(name, "github.com/nats-io/nats-server/")
				runtimeOnly = runtimeOnly && (strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "runtime/internal") || strings.HasPrefix(name, "internal/runtime"))
			}
		}
		sec := float64(s.Value[len(s.Value)-1]) / 1e9
		switch {
		case nats:
			split.nats += sec
		case runtimeOnly:
			split.runtime += sec
		default:
			split.lifeline += sec
		}
	}
	return split, nil
}
