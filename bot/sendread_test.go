package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/store"
)

// gatedStore counts the scoped reads (ReadIn: on a cluster, a request to
// the scope's leader) and, once armed, holds the next one until opened.
type gatedStore struct {
	*store.DB
	reads    atomic.Int64
	armed    atomic.Bool
	entered  chan struct{}
	open     chan struct{}
	openOnce sync.Once
}

func (s *gatedStore) ReadIn(ctx context.Context, scope store.Scope, fn func(r store.Reader) error) error {
	s.reads.Add(1)
	if s.armed.CompareAndSwap(true, false) {
		close(s.entered)
		<-s.open
	}
	return s.DB.ReadIn(ctx, scope, fn)
}

func (s *gatedStore) NextSeq(_ context.Context, name string) (uint64, error) {
	return s.DB.NextSeq(name)
}

func (s *gatedStore) release() { s.openOnce.Do(func() { close(s.open) }) }

// sent counts the requests that reached WhatsApp: messages and read
// receipts.
func sent(h *harness) int {
	n := 0
	for _, r := range h.graph.Requests() {
		if r.Kind == "message" || r.Kind == "read" {
			n++
		}
	}
	return n
}

// A send reads its outbox item from the store once, under the person's
// hold: the read is also the look that an erasure did not remove it (an
// erasure waits for the hold), so what leaves is what the store still had
// when it left, and no item is read twice.
func TestASendReadsItsOutboxItemOnceUnderThePersonsHold(t *testing.T) {
	const user = "15551239101"
	var gate *gatedStore
	h := newHarness(t, harnessOpts{backend: func(db *store.DB) store.Backend {
		gate = &gatedStore{DB: db, entered: make(chan struct{}), open: make(chan struct{})}
		return gate
	}})
	t.Cleanup(gate.release)
	// The number is paused: the replies and the read receipt wait in their lanes.
	h.engine.pacer.Pause(testPhone, time.Now().Add(time.Hour))
	h.mustAccept(textPayload("wamid.once.1", user, "where is the shelter", time.Now()))
	var items int
	h.waitFor("the replies and the read receipt queued", func() bool {
		items = len(h.outbox())
		_, queued := h.engine.Depth()
		return items >= 2 && queued >= items && h.inboxLeft() == 0
	})
	before := gate.reads.Load()

	// The first send's read is held; an erasure comes while it is.
	gate.armed.Store(true)
	h.engine.pacer.Resume(testPhone)
	h.engine.wakeOut.Wake(user)
	h.engine.wakeOut.Wake(readKey(user))
	<-gate.entered
	erased := make(chan int, 1) // sends made when the erasure got the person
	go func() {
		release := h.engine.HoldPerson(user)
		defer release()
		erased <- sent(h)
		ctx := context.Background()
		if err := h.engine.db.Write(ctx, store.UserScope(user), func(w store.Writer) error {
			_, err := store.DeleteOutboxOf(ctx, w, user)
			return err
		}); err != nil {
			t.Error(err)
		}
	}()
	h.waitFor("the erasure waiting for the send's hold", func() bool {
		h.engine.people.mu.Lock()
		defer h.engine.people.mu.Unlock()
		l := h.engine.people.m[user]
		if l == nil || l.rw.TryRLock() {
			if l != nil {
				l.rw.RUnlock()
			}
			return false
		}
		return true // a writer waits (or holds): only the erasure takes it
	})
	gate.release()
	atErasure := <-erased
	if atErasure < 1 {
		t.Errorf("the erasure got the person before the send whose read it waited for")
	}
	h.engine.WaitIdle()

	if got := gate.reads.Load() - before; got != int64(items) {
		t.Errorf("%d scoped reads for %d queued sends, want one each", got, items)
	}
	if n := sent(h); n != atErasure {
		t.Errorf("%d sends reached WhatsApp, %d of them after the erasure", n, n-atErasure)
	}
	if n := len(h.outbox()); n != 0 {
		t.Errorf("%d items left in the outbox", n)
	}
}
