package admin

import (
	"context"
	"runtime"
	"sync"
	"testing"
)

// TestSeriesRequestsShareOneComputation: requests for a series that
// arrive while it is being computed do not take that computation's
// result (it may have read the records before the commit they follow),
// and do not each read the records again either: they share the next
// one, which starts once the running one is done.
func TestSeriesRequestsShareOneComputation(t *testing.T) {
	runs := newSharedRuns[seriesKey, *broadcastSeries]()
	k := seriesKey{id: "bc000001"}
	var mu sync.Mutex
	computed := 0
	release := []chan struct{}{make(chan struct{}), make(chan struct{})}
	compute := func(context.Context) (*broadcastSeries, error) {
		mu.Lock()
		computed++
		n := computed
		mu.Unlock()
		<-release[n-1]
		return &broadcastSeries{ID: k.id, Targeted: int64(n)}, nil
	}
	slot := func() (running, next bool, joined int) {
		runs.mu.Lock()
		defer runs.mu.Unlock()
		s := runs.slots[k]
		if s == nil {
			return false, false, 0
		}
		return s.running != nil, s.next != nil, s.joined
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for !ok() {
			runtime.Gosched()
		}
	}

	first := make(chan int64, 1)
	go func() {
		s, err := runs.get(context.Background(), k, compute)
		if err != nil {
			t.Error(err)
		}
		first <- s.Targeted
	}()
	waitFor("the first computation runs", func() bool { r, _, _ := slot(); return r })

	const later = 5
	results := make(chan int64, later)
	for range later {
		go func() {
			s, err := runs.get(context.Background(), k, compute)
			if err != nil {
				t.Error(err)
			}
			results <- s.Targeted
		}()
	}
	waitFor("the later requests join the next computation", func() bool { _, n, j := slot(); return n && j == later })
	close(release[0])
	if got := <-first; got != 1 {
		t.Errorf("the first request got computation %d, want 1", got)
	}
	close(release[1])
	for range later {
		if got := <-results; got != 2 {
			t.Errorf("a request that arrived during computation 1 got computation %d, want 2", got)
		}
	}
	if computed != 2 {
		t.Errorf("%d computations for %d requests, want 2", computed, later+1)
	}
	waitFor("the slot is let go", func() bool { r, n, _ := slot(); return !r && !n })
}

// A request whose client goes away stops waiting; the computation it
// started still completes for whoever joined it.
func TestSeriesRequestCancelledStopsWaiting(t *testing.T) {
	runs := newSharedRuns[seriesKey, *broadcastSeries]()
	k := seriesKey{id: "bc000002"}
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := runs.get(ctx, k, func(c context.Context) (*broadcastSeries, error) {
			<-release
			return &broadcastSeries{ID: k.id}, c.Err()
		})
		done <- err
	}()
	for {
		runs.mu.Lock()
		s := runs.slots[k]
		started := s != nil && s.running != nil
		runs.mu.Unlock()
		if started {
			break
		}
		runtime.Gosched()
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("a cancelled request returned %v, want context.Canceled", err)
	}
	close(release)
}
