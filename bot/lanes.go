package bot

import (
	"sync"
)

// lanes runs work items with one rule: items of the same key run one at a
// time, in the order they were added; items of different keys run in
// parallel on a fixed number of workers. This is how messages of one user
// stay in order while many users are served at once.
type lanes[T any] struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queues  map[string][]T
	busy    map[string]bool // key is queued in ready or being worked on
	ready   []string        // keys with work and no worker
	woken   map[string]bool // Wake came while the key was being worked on
	closed  bool
	pending int // items not yet finished
	idle    *sync.Cond
	wg      sync.WaitGroup
}

// newLanes starts workers goroutines that call work for each item. work
// returns true when the item is done; false leaves it at the head of its
// lane (the caller arranges a later Wake, for example after a backoff).
func newLanes[T any](workers int, work func(key string, item T) bool) *lanes[T] {
	l := &lanes[T]{queues: map[string][]T{}, busy: map[string]bool{}, woken: map[string]bool{}}
	l.cond = sync.NewCond(&l.mu)
	l.idle = sync.NewCond(&l.mu)
	for i := 0; i < workers; i++ {
		l.wg.Add(1)
		go l.worker(work)
	}
	return l
}

// Add queues item at the end of key's lane.
func (l *lanes[T]) Add(key string, item T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queues[key] = append(l.queues[key], item)
	l.pending++
	if !l.busy[key] {
		l.busy[key] = true
		l.ready = append(l.ready, key)
		l.cond.Signal()
	}
}

// Wake makes a lane that was left waiting runnable again.
func (l *lanes[T]) Wake(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queues[key]) == 0 {
		return
	}
	if l.busy[key] {
		// The worker may be about to park the lane: a short backoff's
		// timer can fire before it does. Remember the wake-up, or the
		// lane would wait for one that never comes again.
		l.woken[key] = true
		return
	}
	l.busy[key] = true
	l.ready = append(l.ready, key)
	l.cond.Signal()
}

func (l *lanes[T]) worker(work func(string, T) bool) {
	defer l.wg.Done()
	l.mu.Lock()
	for {
		for len(l.ready) == 0 && !l.closed {
			l.cond.Wait()
		}
		if l.closed {
			l.mu.Unlock()
			return
		}
		key := l.ready[0]
		l.ready[0] = ""
		l.ready = l.ready[1:]
		item := l.queues[key][0]
		l.mu.Unlock()

		done := work(key, item)

		l.mu.Lock()
		if !done {
			if l.woken[key] {
				// Woken while it worked: look at the head again.
				delete(l.woken, key)
				l.ready = append(l.ready, key)
				l.cond.Signal()
				continue
			}
			// Parked: the lane keeps its head and waits for Wake.
			l.busy[key] = false
			continue
		}
		delete(l.woken, key)
		q := l.queues[key]
		var zero T
		q[0] = zero
		q = q[1:]
		l.pending--
		if len(q) == 0 {
			delete(l.queues, key)
			delete(l.busy, key)
		} else {
			l.queues[key] = q
			// Back of the line, so one busy user cannot starve the others.
			l.ready = append(l.ready, key)
			l.cond.Signal()
		}
		if l.pending == 0 {
			l.idle.Broadcast()
		}
	}
}

// Len is the number of items not yet finished.
func (l *lanes[T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pending
}

// Close stops the workers after the items they are working on; queued
// items stay unfinished (they are durable in the store and picked up again
// at the next start).
func (l *lanes[T]) Close() {
	l.mu.Lock()
	l.closed = true
	l.cond.Broadcast()
	l.idle.Broadcast()
	l.mu.Unlock()
	l.wg.Wait()
}

// WaitIdle blocks until every item is finished or the lanes are closed.
func (l *lanes[T]) WaitIdle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.pending > 0 && !l.closed {
		l.idle.Wait()
	}
}
