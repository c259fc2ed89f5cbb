package bot

import (
	"sync/atomic"
	"testing"
	"time"

	"lifeline/coord"
)

// The lanes keep coord.Waker's contract: a parked user's lane runs again
// when woken, and a wake-up for a user with nothing queued changes nothing.
func TestLanesAreWakeUps(t *testing.T) {
	parked := make(chan struct{})
	var calls atomic.Int32
	l := newLanes(1, func(key string, _ int) bool {
		if calls.Add(1) == 1 {
			close(parked)
			return false // waits for a wake-up, as after a backoff
		}
		return true
	})
	defer l.Close()
	var w coord.Waker = l
	l.Add("u1", 1)
	<-parked
	w.Wake("nobody")
	if n := l.Len(); n != 1 {
		t.Fatalf("%d items after waking an empty lane, want the parked one", n)
	}
	w.Wake("u1")
	done := make(chan struct{})
	go func() { l.WaitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the woken lane did not run")
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("work called %d times, want 2", n)
	}
}
