package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lifeline/store"
)

// gatedStore counts the reads of watched outbox items made in scoped
// reads (ReadIn: on a cluster, a request to the scope's leader) and, once
// armed, holds the next such read until opened.
type gatedStore struct {
	*store.DB
	mu       sync.Mutex
	reads    map[string]int // by watched key
	armed    atomic.Bool
	entered  chan struct{}
	open     chan struct{}
	openOnce sync.Once
}

func (s *gatedStore) ReadIn(ctx context.Context, scope store.Scope, fn func(r store.Reader) error) error {
	return s.DB.ReadIn(ctx, scope, func(r store.Reader) error { return fn(gatedReader{r, s}) })
}

// watch names the keys whose reads are counted and gated.
func (s *gatedStore) watch(keys []store.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = map[string]int{}
	for _, k := range keys {
		s.reads[string(k)] = 0
	}
}

func (s *gatedStore) read(key store.Key) {
	s.mu.Lock()
	_, watched := s.reads[string(key)]
	if watched {
		s.reads[string(key)]++
	}
	s.mu.Unlock()
	if watched && s.armed.CompareAndSwap(true, false) {
		close(s.entered)
		<-s.open
	}
}

type gatedReader struct {
	store.Reader
	s *gatedStore
}

func (r gatedReader) Get(key store.Key) ([]byte, error) {
	r.s.read(key)
	return r.Reader.Get(key)
}

func (r gatedReader) Has(key store.Key) (bool, error) {
	r.s.read(key)
	return r.Reader.Has(key)
}

// outboxKeys are the store keys of outbox items, as store.Ahead names
// them for a Prefetcher.
func outboxKeys(items []store.OutboxItem) []store.Key {
	var a store.Ahead
	for _, it := range items {
		a.OutboxItem(it.Seq)
	}
	a.OutboxItem(0) // two at least: a single read is not fetched ahead
	var c keyCatcher
	store.Prefetch(&c, &a)
	return c.keys
}

type keyCatcher struct {
	store.Reader
	keys []store.Key
}

func (c *keyCatcher) Prefetch(keys, _ []store.Key) { c.keys = keys }

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
	var items []store.OutboxItem
	h.waitFor("the replies and the read receipt queued", func() bool {
		items = h.outbox()
		_, queued := h.engine.Depth()
		return len(items) >= 2 && queued >= len(items) && h.inboxLeft() == 0
	})
	keys := outboxKeys(items)
	gate.watch(keys)

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

	// A read receipt whose outcome the reply's write took (receiptfold.go)
	// is looked at once more by its lane after the fold's wait: not a send.
	for i, it := range items {
		n, want := gate.reads[string(keys[i])], 1
		if it.ReadID != "" && n == 2 {
			want = 2
		}
		if n != want {
			t.Errorf("outbox item %d (receipt %t) read %d times from the store, want once before its send", it.Seq, it.ReadID != "", n)
		}
	}
	if n := sent(h); n != atErasure {
		t.Errorf("%d sends reached WhatsApp, %d of them after the erasure", n, n-atErasure)
	}
	if n := len(h.outbox()); n != 0 {
		t.Errorf("%d items left in the outbox", n)
	}
}
