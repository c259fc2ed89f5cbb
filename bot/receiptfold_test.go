package bot

import (
	"testing"
	"time"

	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// A read receipt sent while its person's reply is still being sent is
// removed from the outbox by the reply's write, not by a write of its
// own; a receipt sent after the reply, or whose wait for the reply's
// write ends first, is removed alone. Either way the outbox ends empty
// and the receipt went out once.
func TestReadReceiptRemovedWithTheReply(t *testing.T) {
	cases := []struct {
		name string
		// slow is the kind of send the fake Graph API answers late
		// ("message" or "read"), so that the other finishes first.
		slow string
		// wait is how long a sent receipt waits for the reply's write.
		wait time.Duration
		// writes is what the message costs in its person's scope: its
		// ingest, its turn, the reply's outcome, and the receipt's
		// removal when it is written alone.
		writes int
		folded bool
	}{
		{name: "receipt before the reply: one write removes both", slow: "message", wait: time.Minute, writes: 3, folded: true},
		{name: "reply before the receipt: the receipt is removed alone", slow: "read", wait: time.Minute, writes: 4},
		{name: "the reply slower than the wait: the receipt is removed alone", slow: "message", wait: 50 * time.Millisecond, writes: 4, folded: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const user = "15557770031"
			graph := whatsapptest.NewServer(t, whatsapptest.Strict())
			graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.Kind == tc.slow {
					return whatsapptest.Response{Delay: time.Second}
				}
				return whatsapptest.Response{}
			})
			var counter *writeCounter
			h := newHarness(t, harnessOpts{graph: graph, cfg: Config{receiptFoldWait: tc.wait}, backend: func(db *store.DB) store.Backend {
				counter = &writeCounter{DB: db}
				return counter
			}})
			folded := false
			h.mustAccept(textPayload("wamid.rf.1", user, "hello", time.Now()))
			h.waitFor("the reply sent or the receipt held", func() bool {
				if h.engine.foldedReceipt(user) != nil {
					folded = true
				}
				return folded || len(h.replies(user)) == 1 && h.replies(user)[0].MessageID != ""
			})
			h.engine.WaitIdle()
			if folded != tc.folded {
				t.Errorf("receipt held for the reply's write: %v, want %v", folded, tc.folded)
			}
			if n := len(h.outbox()); n != 0 {
				t.Errorf("%d items left in the outbox", n)
			}
			reads := 0
			for _, r := range graph.Requests() {
				if r.Kind == "read" {
					reads++
				}
			}
			if reads != 1 || len(graph.Messages()) != 1 {
				t.Errorf("%d read receipts and %d messages sent, want one each", reads, len(graph.Messages()))
			}
			if got := counter.count(); got != tc.writes {
				t.Errorf("%d writes in the person's scope, want %d", got, tc.writes)
			}
		})
	}
}
