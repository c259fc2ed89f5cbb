package bot

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"lifeline/store"
)

// gate lets a test hold work items and count how many run at once.
type gate struct {
	mu      sync.Mutex
	cond    *sync.Cond
	running int
	most    int
	release chan struct{}
}

func newGate() *gate {
	g := &gate{release: make(chan struct{})}
	g.cond = sync.NewCond(&g.mu)
	return g
}

func (g *gate) hold() {
	g.mu.Lock()
	g.running++
	g.most = max(g.most, g.running)
	g.cond.Broadcast()
	g.mu.Unlock()
	<-g.release
	g.mu.Lock()
	g.running--
	g.cond.Broadcast()
	g.mu.Unlock()
}

func (g *gate) waitRunning(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.running != n {
		g.cond.Wait()
	}
}

// The pool grows while work waits, never beyond the limit, and follows a
// limit that rises.
func TestElasticLanesGrowToTheLimit(t *testing.T) {
	g := newGate()
	var limit atomic.Int64
	limit.Store(4)
	var done atomic.Int64
	l := newElasticLanes(1, func() int { return int(limit.Load()) }, func(string, int) bool {
		g.hold()
		done.Add(1)
		return true
	})
	defer l.Close()
	for i := range 10 {
		l.Add(fmt.Sprint("user", i), i)
	}
	g.waitRunning(4)
	if got := pendingReady(l); got != 6 {
		t.Fatalf("%d lanes waiting, want 6", got)
	}

	limit.Store(6)
	l.Add("user10", 10) // work added while the limit is higher starts more workers
	l.Add("user11", 11)
	g.waitRunning(6)

	// A worker that finishes while work waits starts another when the
	// limit rose meanwhile, without anything new added.
	limit.Store(8)
	g.release <- struct{}{} // one item finishes
	g.waitRunning(7)        // its worker and a new one take two waiting items: 6 - 1 + 2

	close(g.release)
	l.WaitIdle()
	if done.Load() != 12 {
		t.Fatalf("%d items done, want 12", done.Load())
	}
	if g.most > 8 {
		t.Fatalf("%d ran at once, above the limit of 8", g.most)
	}
	l.mu.Lock()
	workers := l.workers
	l.mu.Unlock()
	if workers > 8 {
		t.Fatalf("%d workers after the work, want at most 8", workers)
	}
}

func pendingReady[T any](l *lanes[T]) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.ready)
}

// Items of one key still run one at a time and in order on an elastic pool.
func TestElasticLanesKeepOrderPerKey(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]int{}
	l := newElasticLanes(0, func() int { return 16 }, func(key string, i int) bool {
		mu.Lock()
		got[key] = append(got[key], i)
		mu.Unlock()
		return true
	})
	defer l.Close()
	for i := range 200 {
		l.Add(fmt.Sprint("user", i%5), i)
	}
	l.WaitIdle()
	for k, seq := range got {
		for j := 1; j < len(seq); j++ {
			if seq[j] < seq[j-1] {
				t.Fatalf("%s ran %v out of order", k, seq)
			}
		}
		if len(seq) != 40 {
			t.Fatalf("%s ran %d items, want 40", k, len(seq))
		}
	}
}

// A read receipt waiting for the Graph API does not hold the reply to the
// same person, nor take the reply's worker.
func TestReadReceiptsDoNotHoldReplies(t *testing.T) {
	receipt := newGate()
	replied := make(chan string, 1)
	var receiptKey string
	s := newSendLanes(1, func() int { return 1 }, func(key string, seq uint64) bool {
		if seq == 1 {
			receiptKey = key
			receipt.hold()
			return true
		}
		replied <- key
		return true
	})
	defer s.Close()
	s.Add(&store.OutboxItem{User: "15550001111", Seq: 1, ReadID: "wamid.in.1"})
	receipt.waitRunning(1)
	s.Add(&store.OutboxItem{User: "15550001111", Seq: 2})
	if key := <-replied; key != "15550001111" {
		t.Fatalf("reply ran on lane %q, want the user's", key)
	}
	if s.Len() != 1 {
		t.Fatalf("Len = %d with the receipt still out, want 1", s.Len())
	}
	close(receipt.release)
	s.WaitIdle()
	if receiptKey != readKey("15550001111") {
		t.Fatalf("receipt ran on lane %q, want %q", receiptKey, readKey("15550001111"))
	}
}
