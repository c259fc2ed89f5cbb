package admin

import (
	"context"
	"sync"
)

// sharedRuns coalesces the computations of one result per key (a
// broadcast's series, an incident's report), which the console asks for
// again right after each live event and must see that event's commit in.
// A request joins the next computation to start after it arrived, never
// one already running, which may have read the records before the commit
// the request follows: however many ask at once, one computation per key
// runs and at most one more waits for it, shared by everyone who asked
// meanwhile. Results are shared: a caller that changes one (masking
// numbers for its role) works on a copy.
type sharedRuns[K comparable, V any] struct {
	mu    sync.Mutex
	slots map[K]*runSlot[V]
}

func newSharedRuns[K comparable, V any]() *sharedRuns[K, V] {
	return &sharedRuns[K, V]{slots: map[K]*runSlot[V]{}}
}

type runSlot[V any] struct {
	running *sharedRun[V] // started: its result may predate a request arriving now
	next    *sharedRun[V] // not started yet: a request arriving now joins it
	joined  int           // requests that joined next (tests wait on it)
}

type sharedRun[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// get returns the result for k as computed by a run that started after
// the call. The computation runs without the caller's cancellation: the
// others who joined it still want its result.
func (r *sharedRuns[K, V]) get(ctx context.Context, k K, compute func(context.Context) (V, error)) (V, error) {
	r.mu.Lock()
	slot := r.slots[k]
	if slot == nil {
		slot = &runSlot[V]{}
		r.slots[k] = slot
	}
	if slot.next != nil { // a run that has not started yet: join it
		run := slot.next
		slot.joined++
		r.mu.Unlock()
		return run.wait(ctx)
	}
	run := &sharedRun[V]{done: make(chan struct{})}
	var before *sharedRun[V]
	if slot.running == nil {
		slot.running = run
	} else {
		slot.next, slot.joined, before = run, 1, slot.running
	}
	r.mu.Unlock()
	if before != nil {
		// Run next, once the running one is done, for everyone who joins
		// meanwhile.
		<-before.done
		r.mu.Lock()
		slot.running, slot.next, slot.joined = run, nil, 0
		r.mu.Unlock()
	}
	go func() {
		run.v, run.err = compute(context.WithoutCancel(ctx))
		close(run.done)
		r.mu.Lock()
		if slot.running == run {
			slot.running = nil
		}
		if slot.running == nil && slot.next == nil && r.slots[k] == slot {
			delete(r.slots, k)
		}
		r.mu.Unlock()
	}()
	return run.wait(ctx)
}

func (run *sharedRun[V]) wait(ctx context.Context) (V, error) {
	select {
	case <-run.done:
		return run.v, run.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}
