package bot

import (
	"sync/atomic"
	"testing"
	"time"
)

// A wake-up that comes while the lane's worker is still on the item (a
// short backoff's timer firing before the worker parks the lane) is not
// lost: the item is looked at again.
func TestWakeWhileWorkingIsNotLost(t *testing.T) {
	var l *lanes[int]
	var calls atomic.Int32
	l = newLanes(1, func(key string, _ int) bool {
		if calls.Add(1) == 1 {
			l.Wake(key) // the timer fires before this call returns
			return false
		}
		return true
	})
	defer l.Close()
	l.Add("u", 1)
	done := make(chan struct{})
	go func() { l.WaitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("lane still parked after %d calls: the wake-up was lost", calls.Load())
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("work called %d times, want 2", n)
	}
}
