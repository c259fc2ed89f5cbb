package main

import (
	"bytes"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// A CPU profile of this process, half of it in nats-server code called
// from here, splits into the node's part and the rest: the sample's stack
// decides, whoever called.
func TestCPUProfileSplitsTheNodeFromTheRest(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("a CPU profile is running already: %v", err)
	}
	burn := func(f func()) {
		// CPU time, not wall time: the machine may be busy elsewhere.
		for start := cpuTime(); cpuTime()-start < 300*time.Millisecond; {
			for range 1000 {
				f()
			}
		}
	}
	var n int
	burn(func() {
		if server.SubjectsCollide("rec.*.user.>", "rec.p1.*.contact") {
			n++
		}
	})
	burn(func() { n += strings.Count(strings.Repeat("ab", 64), "b") })
	pprof.StopCPUProfile()
	s, err := splitCPUProfile(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if s.nats < 0.1 || s.lifeline < 0.1 {
		t.Errorf("split %+v: want at least 0.1 s in each of the node and the rest (0.3 s burnt in each)", s)
	}
	if share := s.natsShare(); share < 0.2 || share > 0.8 {
		t.Errorf("the node's share %.2f of %+v: want about half", share, s)
	}
	if _, err := splitCPUProfile([]byte("not a profile")); err == nil {
		t.Error("split a text that is not a profile")
	}
}
