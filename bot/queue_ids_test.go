package bot

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"lifeline/bot/whatsapp"
	"lifeline/store"
)

// The send lanes hold outbox ids, and the stored item is read again each
// time its lane looks at it: what happened to the item while it waited in
// memory wins over what was queued. The lanes are held by a paused number
// while the item changes.
func TestQueuedRepliesAreReadAgainBeforeSending(t *testing.T) {
	const user = "15551239001"
	const rewritten = "The shelter moved to the north school."
	cases := []struct {
		label  string
		change func(t *testing.T, h *harness, replies []store.OutboxItem)
		// want is the text each message request to the person carries.
		want []string
	}{
		{
			label: "the person erased while their reply is queued gets nothing",
			change: func(t *testing.T, h *harness, _ []store.OutboxItem) {
				// What an erasure does to the outbox, under the person's lock.
				release := h.engine.HoldPerson(user)
				defer release()
				h.write(func(ctx context.Context, w store.Writer) error {
					_, err := store.DeleteOutboxOf(ctx, w, user)
					return err
				})
			},
		},
		{
			label: "a reply removed from the outbox while queued (settled or cancelled) is not sent",
			change: func(t *testing.T, h *harness, replies []store.OutboxItem) {
				h.write(func(ctx context.Context, w store.Writer) error {
					for _, it := range replies {
						if err := store.DeleteOutboxItem(ctx, w, it.Seq); err != nil {
							return err
						}
					}
					return nil
				})
			},
		},
		{
			label: "a reply changed in the outbox while queued is sent as stored",
			change: func(t *testing.T, h *harness, replies []store.OutboxItem) {
				h.write(func(ctx context.Context, w store.Writer) error {
					for _, it := range replies {
						var msg whatsapp.Outbound
						if err := json.Unmarshal(it.Message, &msg); err != nil {
							return err
						}
						msg.Kind, msg.Text, msg.Buttons, msg.Sections = whatsapp.KindText, rewritten, nil, nil
						b, err := json.Marshal(msg)
						if err != nil {
							return err
						}
						it.Message = b
						if err := store.PutOutboxItem(ctx, w, &it); err != nil {
							return err
						}
					}
					return nil
				})
			},
			want: []string{rewritten},
		},
	}
	for _, c := range cases {
		t.Run(c.label, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			// The number is paused: the reply waits in its lane.
			h.engine.pacer.Pause(testPhone, time.Now().Add(time.Hour))
			h.mustAccept(textPayload("wamid.queued.1", user, "where is the shelter", time.Now()))
			var replies []store.OutboxItem
			h.waitFor("the reply queued", func() bool {
				replies = replies[:0]
				for _, it := range h.outbox() {
					if it.User == user && it.ReadID == "" {
						replies = append(replies, it)
					}
				}
				_, queued := h.engine.Depth()
				return len(replies) > 0 && queued >= len(replies) && h.inboxLeft() == 0
			})
			c.change(t, h, replies)
			// The pause ends: the lanes look at their heads again.
			h.engine.pacer.Resume(testPhone)
			h.engine.wakeOut.Wake(user)
			h.engine.wakeOut.Wake(readKey(user))
			h.engine.WaitIdle()

			var got []string
			for _, r := range h.graph.Messages() {
				if r.To != user {
					continue
				}
				text, _ := r.Body["text"].(map[string]any)
				body, _ := text["body"].(string)
				got = append(got, body)
			}
			if want := c.want; len(want) == 0 {
				if len(got) != 0 {
					t.Fatalf("%d messages sent to the person: %q", len(got), got)
				}
			} else {
				// One request per queued reply, each with the stored text.
				if len(got) != len(replies) {
					t.Fatalf("%d messages sent, want %d: %q", len(got), len(replies), got)
				}
				for _, g := range got {
					if g != want[0] {
						t.Errorf("sent %q, want the stored %q", g, want[0])
					}
				}
			}
			if n := len(h.outbox()); n != 0 {
				t.Errorf("%d items left in the outbox", n)
			}
			if strings.Contains(c.label, "erased") {
				for _, r := range h.graph.Requests() {
					if r.Kind == "read" {
						t.Errorf("a read receipt reached WhatsApp for the erased person's message")
					}
				}
			}
		})
	}
}

// write runs fn in one store transaction or fails the test.
func (h *harness) write(fn func(ctx context.Context, w store.Writer) error) {
	h.t.Helper()
	ctx := context.Background()
	if err := h.engine.db.WriteAny(ctx, func(w store.Writer) error { return fn(ctx, w) }); err != nil {
		h.t.Fatal(err)
	}
}

// An inbound lane holds the event's place in the inbox, not the event: one
// that left the inbox before its turn (set aside, or processed by another
// worker) is not processed again.
func TestInboundEventGoneFromTheInboxIsNotProcessed(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.mustAccept(textPayload("wamid.G0", cursorUser, "hello", time.Now()))
	h.graph.WaitMessages(t, 1, 10*time.Second)
	h.engine.WaitIdle()
	before, applied := len(h.graph.Messages()), h.appliedSeq(cursorUser)

	ref := h.putBack(applied+1000, "wamid.G1", "where is a shelter")
	h.write(func(ctx context.Context, w store.Writer) error { return store.DeleteInbox(ctx, w, ref.seq) })
	if done := h.engine.processInbound(cursorUser, ref); !done {
		t.Fatal("the lane was told to try a missing event again")
	}
	h.engine.WaitIdle()
	if more := len(h.graph.Messages()) - before; more != 0 {
		t.Errorf("%d replies sent for an event no longer in the inbox", more)
	}
	if n := h.inboundCount(cursorUser); n != 1 {
		t.Errorf("inbound transcript entries = %d, want only the first message", n)
	}
	if got := h.appliedSeq(cursorUser); got != applied {
		t.Errorf("applied sequence moved from %d to %d", applied, got)
	}
}
