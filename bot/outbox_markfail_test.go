package bot

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// errInjected is the failure outcomeFaults injects.
var errInjected = errors.New("injected: write timed out during a leader election")

// outcomeFaults is a store whose first writes that remove a queued item
// after armed says so fail without committing, as a JetStream write does
// while the stream's leader is being elected: the outcome write of a send
// WhatsApp accepted.
type outcomeFaults struct {
	*store.DB
	armed func() bool // whether the send has reached the Graph API

	mu     sync.Mutex
	left   int // failures still to inject
	failed int // failures injected
}

func (f *outcomeFaults) Write(ctx context.Context, scope store.Scope, fn func(w store.Writer) error) error {
	return f.DB.Write(ctx, scope, func(w store.Writer) error {
		sw := &dequeueSpy{Writer: w}
		if err := fn(sw); err != nil {
			return err
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if sw.dequeued && f.left > 0 && f.armed() {
			f.left--
			f.failed++
			return errInjected // nothing of fn's is committed
		}
		return nil
	})
}

func (f *outcomeFaults) NextSeq(_ context.Context, name string) (uint64, error) {
	return f.DB.NextSeq(name)
}

func (f *outcomeFaults) injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// dequeueSpy notes whether a write removes an inbox event or outbox item.
type dequeueSpy struct {
	store.Writer
	dequeued bool
}

func (s *dequeueSpy) Delete(key store.Key) error {
	if store.IsQueueKey(key) {
		s.dequeued = true
	}
	return s.Writer.Delete(key)
}

// A reply WhatsApp accepted whose outcome write fails (a store leader
// election on a cluster) is not sent again: the outcome is kept and
// written again until the store takes it, and the reply ends recorded as
// sent with the wamid of its one request.
func TestAcceptedSendWhoseRecordFailsIsRecordedNotResent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		failures int
	}{
		{"one failed write", 1},
		{"several failed writes", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var faults *outcomeFaults
			graph := whatsapptest.NewServer(t, whatsapptest.Strict())
			h := newHarness(t, harnessOpts{graph: graph, backend: func(db *store.DB) store.Backend {
				faults = &outcomeFaults{DB: db, left: tc.failures,
					armed: func() bool { return len(graph.Messages()) > 0 }}
				return faults
			}})
			const user = "15551239001"
			if err := h.accept(textPayload("wamid.markfail.1", user, "where is the shelter", time.Now())); err != nil {
				t.Fatalf("webhook: %v", err)
			}
			// The answer and its "was this helpful?" buttons: two replies.
			recorded := func() ([]store.Entry, bool) {
				out := h.replies(user)
				if len(h.outbox()) > 0 || len(out) == 0 {
					return nil, false
				}
				for _, e := range out {
					if e.Status != store.StatusSent {
						return nil, false
					}
				}
				return out, true
			}
			var replies []store.Entry
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				var ok bool
				if replies, ok = recorded(); ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the replies were not recorded as sent: %d outbox items, %d replies, %d failures injected",
						len(h.outbox()), len(h.replies(user)), faults.injected())
				}
			}
			h.engine.WaitIdle()
			if n := faults.injected(); n != tc.failures {
				t.Fatalf("%d outcome writes failed, want %d", n, tc.failures)
			}
			if n := len(h.graph.Messages()); n != len(replies) {
				t.Fatalf("%d message requests reached the Graph API for %d replies, want one each", n, len(replies))
			}
			wamids := map[string]bool{}
			for _, e := range replies {
				if e.MessageID == "" || wamids[e.MessageID] {
					t.Fatalf("reply recorded without the wamid of its own send: %q", e.MessageID)
				}
				wamids[e.MessageID] = true
			}
		})
	}
}
