package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
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

// splitCPUProfile reads the fields of profile.proto it needs: the
// samples (locations and values), the locations' functions, the
// functions' names and the string table. A sample's last value is its
// CPU time in nanoseconds.
func splitCPUProfile(gz []byte) (cpuSplit, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return cpuSplit{}, fmt.Errorf("not a gzipped profile: %w", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return cpuSplit{}, fmt.Errorf("unzip the profile: %w", err)
	}
	type sample struct {
		locs []uint64
		ns   int64
	}
	var (
		samples   []sample
		locFuncs  = map[uint64][]uint64{} // location id: its functions (inlined ones included)
		funcNames = map[uint64]int64{}    // function id: name's index in strings
		strs      []string
	)
	err = eachField(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 2 && typ == protowire.BytesType: // Sample
			var s sample
			err := eachField(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				vals, err := varints(typ, v, x)
				switch num {
				case 1:
					s.locs = append(s.locs, vals...)
				case 2:
					if len(vals) > 0 {
						s.ns = int64(vals[len(vals)-1])
					}
				}
				return err
			})
			samples = append(samples, s)
			return err
		case num == 4 && typ == protowire.BytesType: // Location
			var id uint64
			var fns []uint64
			err := eachField(v, func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error {
				switch {
				case num == 1:
					id = x
				case num == 4 && typ == protowire.BytesType: // Line
					return eachField(v, func(num protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
						if num == 1 {
							fns = append(fns, x)
						}
						return nil
					})
				}
				return nil
			})
			locFuncs[id] = fns
			return err
		case num == 5 && typ == protowire.BytesType: // Function
			var id uint64
			var name int64
			err := eachField(v, func(num protowire.Number, _ protowire.Type, _ []byte, x uint64) error {
				switch num {
				case 1:
					id = x
				case 2:
					name = int64(x)
				}
				return nil
			})
			funcNames[id] = name
			return err
		case num == 6 && typ == protowire.BytesType: // string_table
			strs = append(strs, string(v))
		}
		return nil
	})
	if err != nil {
		return cpuSplit{}, fmt.Errorf("read the profile: %w", err)
	}
	var split cpuSplit
	for _, s := range samples {
		nats, runtimeOnly := false, true
		for _, l := range s.locs {
			for _, f := range locFuncs[l] {
				name := ""
				if i := funcNames[f]; i >= 0 && int(i) < len(strs) {
					name = strs[i]
				}
				nats = nats || strings.HasPrefix(name, "github.com/nats-io/nats-server/")
				runtimeOnly = runtimeOnly && (strings.HasPrefix(name, "runtime.") || strings.HasPrefix(name, "runtime/internal") || strings.HasPrefix(name, "internal/runtime"))
			}
		}
		sec := float64(s.ns) / 1e9
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

// eachField calls f with each field of the message b: its number, wire
// type, bytes (length-delimited) or value (varint, fixed).
func eachField(b []byte, f func(protowire.Number, protowire.Type, []byte, uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.Fixed64Type:
			x, n = protowire.ConsumeFixed64(b)
		case protowire.Fixed32Type:
			var x32 uint32
			x32, n = protowire.ConsumeFixed32(b)
			x = uint64(x32)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// varints is a repeated integer field's values: packed (bytes) or one.
func varints(typ protowire.Type, v []byte, x uint64) ([]uint64, error) {
	if typ != protowire.BytesType {
		return []uint64{x}, nil
	}
	var out []uint64
	for len(v) > 0 {
		x, n := protowire.ConsumeVarint(v)
		if n < 0 {
			return out, errors.New("a packed integer field cut short")
		}
		out, v = append(out, x), v[n:]
	}
	return out, nil
}
