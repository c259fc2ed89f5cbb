package store

import (
	"errors"
	"sync"
)

// groupSync makes commits durable with as few fsyncs as possible: every
// caller of wait has committed before it asks, and returns after a sync
// that started after its request. Callers that arrive while a sync runs
// share the next one, so throughput grows with concurrency instead of
// being capped at one fsync per transaction.
type groupSync struct {
	syncFn func() error

	mu      sync.Mutex
	pending []chan error
	closed  bool
	kick    chan struct{}
	done    chan struct{}
}

var errStoreClosed = errors.New("store is closed")

func newGroupSync(fn func() error) *groupSync {
	g := &groupSync{syncFn: fn, kick: make(chan struct{}, 1), done: make(chan struct{})}
	go g.loop()
	return g
}

func (g *groupSync) wait() error {
	ch := make(chan error, 1)
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errStoreClosed
	}
	g.pending = append(g.pending, ch)
	g.mu.Unlock()
	select {
	case g.kick <- struct{}{}:
	default: // a kick is already waiting; the loop will take this request too
	}
	return <-ch
}

func (g *groupSync) loop() {
	defer close(g.done)
	for range g.kick {
		g.mu.Lock()
		batch := g.pending
		g.pending = nil
		closed := g.closed
		g.mu.Unlock()
		if len(batch) > 0 {
			err := g.syncFn()
			for _, ch := range batch {
				ch <- err
			}
		}
		if closed {
			return
		}
	}
}

// close syncs what is pending and stops the loop.
func (g *groupSync) close() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	g.mu.Unlock()
	g.kick <- struct{}{}
	<-g.done
}
