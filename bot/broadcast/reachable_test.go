package broadcast

import (
	"context"
	"testing"
	"time"

	"lifeline/bot/clocktest"
	"lifeline/bot/contacts"
	"lifeline/bot/handoffs"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/store"
)

// TestUnreachableUntilThePersonWritesIn: whichever path reports a 131026
// (a broadcast send, a broadcast status, a reply send, a reply status),
// the person is left out of the next broadcast, and once they write in,
// the broadcast after that reaches them again.
func TestUnreachableUntilThePersonWritesIn(t *testing.T) {
	cases := []struct {
		label  string
		report func(h *harness, clk *clocktest.Clock, who string)
	}{
		{"broadcast send answered 131026", func(h *harness, _ *clocktest.Clock, who string) {
			// The audience is sent in any order: the person's own send fails.
			h.graph.SetResponder(func(r whatsapptest.Request) whatsapptest.Response {
				if r.To == who {
					return whatsapptest.Response{Status: 400, Code: store.CodeUndeliverable}
				}
				return whatsapptest.Response{}
			})
			h.waitState(h.create(noticeSpec()), StateCompleted)
			h.graph.SetResponder(nil)
		}},
		{"broadcast status webhook failed 131026", func(h *harness, clk *clocktest.Clock, who string) {
			id := h.create(noticeSpec())
			h.waitState(id, StateCompleted)
			r, _ := h.recipient(id, 1)
			if r.WaID != who {
				h.t.Fatalf("recipient 1 is %s, want %s", r.WaID, who)
			}
			h.status131026(whatsapp.Status{ID: "wamid.x", Status: "failed", RecipientID: who,
				BizOpaqueCallbackData: callbackData(id, 1, 0), Timestamp: clk.Now()})
		}},
		{"reply send answered 131026", func(h *harness, _ *clocktest.Clock, who string) {
			h.graph.FailNext(1, 400, store.CodeUndeliverable)
			h.ingest(whatsapp.Message{From: who, Type: "text", Text: "hello"})
		}},
		{"reply status webhook failed 131026", func(h *harness, clk *clocktest.Clock, who string) {
			h.ingest(whatsapp.Message{From: who, Type: "text", Text: "hello"})
			clk.Add(time.Minute)
			h.status131026(whatsapp.Status{ID: h.lastReplyID(who), Status: "failed", RecipientID: who, Timestamp: clk.Now()})
		}},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
			h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{PairGap: -1}})
			ids := h.contacts(2, "en")
			who := ids[0]
			c.report(h, clk, who)
			if ct := h.contactOf(who); !ct.Unreachable || ct.UnreachableCode != store.CodeUndeliverable || ct.UnreachableAt.IsZero() {
				t.Fatalf("after the 131026, contact %+v: want unreachable with the code and time", ct)
			}

			clk.Add(time.Minute)
			before := sendsTo(h.graph.Messages())[who]
			id := h.create(noticeSpec())
			st := h.waitState(id, StateCompleted)
			if n := leftOut(st); n != 1 || sendsTo(h.graph.Messages())[who] != before {
				t.Fatalf("broadcast while unreachable left out %d (excluded %v, skipped %v), want the person", n, st.Excluded, st.SkippedByReason)
			}

			clk.Add(time.Minute)
			h.ingest(whatsapp.Message{From: who, Type: "text", Text: "I have WhatsApp now"})
			if ct := h.contactOf(who); ct.Unreachable {
				t.Fatalf("after the person wrote in, contact %+v is still unreachable", ct)
			}
			clk.Add(time.Minute)
			before = sendsTo(h.graph.Messages())[who]
			id = h.create(noticeSpec())
			st = h.waitState(id, StateCompleted)
			if got := sendsTo(h.graph.Messages())[who]; got != before+1 || leftOut(st) != 0 {
				t.Fatalf("after writing in: %d templates to the person (want %d), excluded %v, skipped %v", got, before+1, st.Excluded, st.SkippedByReason)
			}
		})
	}
}

// TestLateFailureDoesNotUndoAMessage: a 131026 status that happened
// before the person's latest message is old news and marks nothing.
func TestLateFailureDoesNotUndoAMessage(t *testing.T) {
	clk := clocktest.New(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, hopts{engine: true, now: clk.Now, cfg: Config{PairGap: -1}})
	who := h.contacts(1, "en")[0]
	failedAt := clk.Now()
	h.ingest(whatsapp.Message{From: who, Type: "text", Text: "hello"})
	reply := h.lastReplyID(who)
	clk.Add(time.Minute)
	h.ingest(whatsapp.Message{From: who, Type: "text", Text: "hello again"})
	h.status131026(whatsapp.Status{ID: reply, Status: "failed", RecipientID: who, Timestamp: failedAt.Add(-time.Second)})
	if ct := h.contactOf(who); ct.Unreachable || ct.LastErrorCode != store.CodeUndeliverable {
		t.Fatalf("contact %+v: want the code noted and the person still reachable", ct)
	}
}

// leftOut counts the people a broadcast left out as unreachable, whether
// when choosing its audience or when sending.
func leftOut(st *Status) int64 {
	return st.Excluded[contacts.ExcludedUnreachable] + st.SkippedByReason[contacts.ExcludedUnreachable]
}

// status131026 feeds a failed status with 131026 through the engine.
func (h *harness) status131026(st whatsapp.Status) {
	h.t.Helper()
	st.Errors = []whatsapp.APIError{{Code: store.CodeUndeliverable, Title: "Message undeliverable"}}
	if _, err := h.engine.Ingest(&whatsapp.Batch{Statuses: []whatsapp.Status{st}}); err != nil {
		h.t.Fatal(err)
	}
	h.engine.WaitIdle()
}

func (h *harness) contactOf(who string) store.Contact {
	h.t.Helper()
	var ct store.Contact
	ctx := context.Background()
	if err := h.db.Read(ctx, func(tx store.Reader) (err error) {
		ct, err = store.GetContact(ctx, tx, who)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return ct
}

// handoffOf is the current handoff of a person, or an error wrapping
// store.ErrNotFound.
func (h *harness) handoffOf(who string) (handoffs.Handoff, error) {
	var hand handoffs.Handoff
	ctx := context.Background()
	err := h.db.Read(ctx, func(tx store.Reader) (err error) {
		hand, err = store.GetHandoff[handoffs.Handoff](ctx, tx, who)
		return err
	})
	return hand, err
}

// lastReplyID is the wamid of the last message the engine sent the person.
func (h *harness) lastReplyID(who string) string {
	h.t.Helper()
	id := ""
	ctx := context.Background()
	err := h.db.Read(ctx, func(tx store.Reader) error {
		return store.EachTranscriptEntry(ctx, tx, who, func(e store.Entry) error {
			if e.Dir == store.Out && e.MessageID != "" {
				id = e.MessageID
			}
			return nil
		})
	})
	if err != nil || id == "" {
		h.t.Fatalf("no reply sent to %s (%v)", who, err)
	}
	return id
}
