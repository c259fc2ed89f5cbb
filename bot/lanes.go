package bot

import (
	"strings"
	"sync"
	"time"

	"lifeline/store"
)

// lanes runs work items with one rule: items of the same key run one at a
// time, in the order they were added; items of different keys run in
// parallel on a pool of workers. This is how messages of one user stay in
// order while many users are served at once.
//
// The pool is elastic: a worker is started when work is ready and every
// worker is busy, up to limit(); workers beyond least stop when nothing is
// ready. The outbox needs this because how many sends must be under way
// to keep a number at its rate depends on the Graph API's latency
// (bot/pace), which changes while the engine runs.
type lanes[T any] struct {
	work  func(key string, item T) bool
	least int
	limit func() int

	mu      sync.Mutex
	cond    *sync.Cond
	queues  map[string][]T
	busy    map[string]bool // key is queued in ready or being worked on
	ready   []string        // keys with work and no worker
	woken   map[string]bool // Wake came while the key was busy
	closed  bool
	pending int        // items not yet finished
	workers int        // running
	asleep  int        // workers waiting for work and not yet signalled
	running int        // items being worked on
	idle    *sync.Cond // pending reached 0, the lanes went quiet, or closed
	wg      sync.WaitGroup
}

// newLanes runs work on a fixed pool of workers goroutines. work returns
// true when the item is done; false leaves it at the head of its lane (the
// caller arranges a later Wake, for example after a backoff).
func newLanes[T any](workers int, work func(key string, item T) bool) *lanes[T] {
	return newElasticLanes(workers, func() int { return workers }, work)
}

// newElasticLanes keeps least workers and grows to limit() while work is
// waiting; limit is read whenever a worker might be started or stopped.
func newElasticLanes[T any](least int, limit func() int, work func(key string, item T) bool) *lanes[T] {
	l := &lanes[T]{work: work, least: least, limit: limit, queues: map[string][]T{}, busy: map[string]bool{}, woken: map[string]bool{}}
	l.cond = sync.NewCond(&l.mu)
	l.idle = sync.NewCond(&l.mu)
	return l
}

// readyLocked makes key runnable and finds it a worker: a sleeping one,
// or a new one while the pool is below its limit.
func (l *lanes[T]) readyLocked(key string) {
	l.busy[key] = true
	l.ready = append(l.ready, key)
	if l.asleep > 0 {
		l.asleep--
		l.cond.Signal()
		return
	}
	if !l.closed && l.workers < max(l.least, l.limit()) {
		l.workers++
		l.wg.Add(1)
		go l.worker()
	}
}

// Add queues item at the end of key's lane.
func (l *lanes[T]) Add(key string, item T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queues[key] = append(l.queues[key], item)
	l.pending++
	if !l.busy[key] {
		l.readyLocked(key)
	}
}

// Insert queues item in key's lane before the first queued item it
// sorts before (by less), never before the head when the lane is busy
// (its head may be in progress). Several instances need it: work of
// one user learned of out of order (a notification overtaken by a
// rescan) still runs in the order of the user's records.
func (l *lanes[T]) Insert(key string, item T, less func(a, b T) bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.queues[key]
	i := len(q)
	first := 0
	if l.busy[key] {
		first = 1
	}
	for i > first && less(item, q[i-1]) {
		i--
	}
	l.queues[key] = append(q[:i], append([]T{item}, q[i:]...)...)
	l.pending++
	if !l.busy[key] {
		l.readyLocked(key)
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
	l.readyLocked(key)
}

func (l *lanes[T]) worker() {
	defer l.wg.Done()
	l.mu.Lock()
	for {
		for len(l.ready) == 0 && !l.closed {
			if l.workers > l.least {
				// Nothing to do and more workers than the floor: stop
				// rather than sleep; a new one starts when work comes.
				l.workers--
				l.mu.Unlock()
				return
			}
			l.asleep++
			l.cond.Wait()
		}
		if l.closed {
			l.workers--
			l.mu.Unlock()
			return
		}
		key := l.ready[0]
		l.ready[0] = ""
		l.ready = l.ready[1:]
		item := l.queues[key][0]
		l.running++
		l.mu.Unlock()

		done := l.work(key, item)

		l.mu.Lock()
		l.running--
		if !done && l.woken[key] {
			// Woken while it worked: look at the head again.
			delete(l.woken, key)
			l.ready = append(l.ready, key)
		} else if !done {
			// Parked: the lane keeps its head and waits for Wake.
			l.busy[key] = false
		} else {
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
			}
		}
		if l.pending == 0 || l.quietLocked() {
			l.idle.Broadcast()
		}
		limit := max(l.least, l.limit())
		if len(l.ready) > 1 && l.asleep == 0 && l.workers < limit && !l.closed {
			// Work is backing up and the need rose since it was added
			// (a slower Graph API): one more worker.
			l.workers++
			l.wg.Add(1)
			go l.worker()
		}
		if l.workers > limit {
			// The need fell (a faster Graph API): this worker gives way.
			l.workers--
			if len(l.ready) > 0 && l.asleep > 0 {
				l.asleep--
				l.cond.Signal()
			}
			l.mu.Unlock()
			return
		}
	}
}

// Holds reports whether key's lane has an item not yet finished (one
// being worked on included).
func (l *lanes[T]) Holds(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queues[key]) > 0
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

// quietLocked reports whether no item is being worked on or ready to
// be: every lane with items is parked, waiting for a Wake (a backoff, a
// paused number, a status).
func (l *lanes[T]) quietLocked() bool { return l.running == 0 && len(l.ready) == 0 }

// WaitQuiet blocks until the lanes are quiet (quietLocked), closed, or
// deadline passed; it reports whether they are quiet or closed.
func (l *lanes[T]) WaitQuiet(deadline time.Time) bool {
	t := time.AfterFunc(time.Until(deadline), func() {
		l.mu.Lock()
		l.idle.Broadcast()
		l.mu.Unlock()
	})
	defer t.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	for !l.quietLocked() && !l.closed && time.Now().Before(deadline) {
		l.idle.Wait()
	}
	return l.quietLocked() || l.closed
}

// WaitIdle blocks until every item is finished or the lanes are closed.
func (l *lanes[T]) WaitIdle() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.pending > 0 && !l.closed {
		l.idle.Wait()
	}
}

// sendLanes is the outbox: replies and other messages on one set of
// lanes, read receipts on their own. A read receipt answers every message
// that comes in, so a busy hour has as many of them as replies; on the
// same lanes each would hold the user's reply behind it for one Graph API
// round trip, and on the same workers they would take half the pool.
// Receipts are keyed apart (readKey), so Wake finds the right lanes by
// the key alone.
//
// The lanes hold the outbox items' sequence numbers, not the items: the
// store is the one source of truth, and the work function reads the item
// each time it looks at it, so an erasure, a cancellation or a status
// webhook that settled the item meanwhile wins over what was queued.
type sendLanes struct {
	msgs, reads *lanes[uint64]
	// route, when set, takes every item Add is given instead (several
	// instances: the owner of the user's partition sends it, see
	// Engine.routeOut).
	route func(it *store.OutboxItem)
}

// readKeyPrefix cannot begin a user key (a phone number or a BSUID).
const readKeyPrefix = "\x00read:"

func readKey(user string) string { return readKeyPrefix + user }

// newSendLanes gives messages and receipts each least workers, growing to
// limit() each. work gets the lane's key and the item's sequence number.
func newSendLanes(least int, limit func() int, work func(key string, seq uint64) bool) *sendLanes {
	if limit == nil {
		limit = func() int { return least }
	}
	return &sendLanes{msgs: newElasticLanes(least, limit, work), reads: newElasticLanes(least, limit, work)}
}

// Add queues the stored item it at the end of its user's lane: the
// receipts' lane for a read receipt, the messages' lane for everything
// else. Only its sequence number is kept.
func (s *sendLanes) Add(it *store.OutboxItem) {
	if s.route != nil {
		s.route(it)
		return
	}
	s.add(it)
}

func (s *sendLanes) add(it *store.OutboxItem) {
	if it.ReadID != "" {
		s.reads.Add(readKey(it.User), it.Seq)
		return
	}
	s.msgs.Add(it.User, it.Seq)
}

// insert queues it in its user's lane in sequence order (see lanes.Insert).
func (s *sendLanes) insert(it *store.OutboxItem) {
	less := func(a, b uint64) bool { return a < b }
	if it.ReadID != "" {
		s.reads.Insert(readKey(it.User), it.Seq, less)
		return
	}
	s.msgs.Insert(it.User, it.Seq, less)
}

// Wake makes the lane of key (as given to the work function) runnable again.
func (s *sendLanes) Wake(key string) {
	if strings.HasPrefix(key, readKeyPrefix) {
		s.reads.Wake(key)
		return
	}
	s.msgs.Wake(key)
}

// Len is the number of messages and receipts not yet finished.
func (s *sendLanes) Len() int { return s.msgs.Len() + s.reads.Len() }

// WaitIdle blocks until every message and receipt is finished or the lanes are closed.
func (s *sendLanes) WaitIdle() {
	s.msgs.WaitIdle()
	s.reads.WaitIdle()
}

// WaitQuiet blocks until neither messages nor receipts have an item being
// sent or ready to be, or deadline passed; it reports whether they are quiet.
func (s *sendLanes) WaitQuiet(deadline time.Time) bool {
	return s.msgs.WaitQuiet(deadline) && s.reads.WaitQuiet(deadline)
}

// Close stops the workers of both after the items they are working on.
func (s *sendLanes) Close() {
	s.msgs.Close()
	s.reads.Close()
}
