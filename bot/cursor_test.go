package bot

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/store"
)

const cursorUser = "15550009999"

// appliedSeq is the inbox sequence number user's session says was applied last.
func (h *harness) appliedSeq(user string) uint64 {
	h.t.Helper()
	ctx := context.Background()
	var seq uint64
	err := h.db.Read(ctx, func(r store.Reader) error {
		s, err := store.GetSession[flows.Session](ctx, r, user)
		seq = s.InboxSeq
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return seq
}

// putBack stores an inbound text message in the inbox at seq, as if the
// event had never been removed, and returns what its lane would hold.
func (h *harness) putBack(seq uint64, id, text string) inRef {
	h.t.Helper()
	now := time.Now()
	it := &InboxItem{Kind: "message", ReceivedAt: now, Message: &whatsapp.Message{
		ID: id, From: cursorUser, PhoneNumberID: testPhone, Timestamp: now, Type: "text", Text: text}}
	raw, err := store.EncodeJSON(it)
	if err != nil {
		h.t.Fatal(err)
	}
	ctx := context.Background()
	if err := h.db.WriteAny(ctx, func(w store.Writer) error { return store.PutInbox(ctx, w, seq, raw) }); err != nil {
		h.t.Fatal(err)
	}
	return inRef{seq: seq}
}

func (h *harness) inboundCount(user string) int {
	n := 0
	for _, e := range h.transcript(user) {
		if e.Dir == store.In {
			n++
		}
	}
	return n
}

// A user's session records the last inbox event it applied, and the
// conversation commit applies only later ones: an event processed a
// second time (a replay after a crash before its removal, or a second
// worker holding the same event) gets no second reply, whatever order the
// events are delivered in.
func TestInboxEventIsAppliedOnceByItsSequence(t *testing.T) {
	cases := []struct {
		name        string
		offset      int64 // the event's sequence number relative to the one applied
		newID       bool  // a different message (delivered late) rather than the same one again
		wantApplied bool  // applied, and so answered
	}{
		{name: "the same event processed again", offset: 0},
		{name: "an older event delivered after a newer one", offset: -1, newID: true},
		{name: "a newer event", offset: 1000, newID: true, wantApplied: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.mustAccept(textPayload("wamid.C0", cursorUser, "hello", time.Now()))
			h.mustAccept(textPayload("wamid.C1", cursorUser, "where is a shelter", time.Now()))
			h.graph.WaitMessages(t, 2, 10*time.Second)
			h.engine.WaitIdle()
			first := h.appliedSeq(cursorUser)
			if first < 2 {
				t.Fatalf("the session records inbox event %d as applied, want the second", first)
			}
			before := len(h.graph.Messages())

			id := "wamid.C1"
			if c.newID {
				id = "wamid.C2"
			}
			seq := uint64(int64(first) + c.offset)
			task := h.putBack(seq, id, "where is a shelter")
			if done := h.engine.processInbound(cursorUser, task); !done {
				t.Fatal("the event was not finished")
			}
			h.engine.WaitIdle()

			if more := len(h.graph.Messages()) - before; (more > 0) != c.wantApplied {
				t.Errorf("%d more replies sent, want some: %v", more, c.wantApplied)
			}
			wantIn := 2
			wantSeq := first
			if c.wantApplied {
				wantIn, wantSeq = 3, seq
			}
			if n := h.inboundCount(cursorUser); n != wantIn {
				t.Errorf("inbound transcript entries = %d, want %d", n, wantIn)
			}
			if got := h.appliedSeq(cursorUser); got != wantSeq {
				t.Errorf("applied sequence = %d, want %d", got, wantSeq)
			}
			if n := h.inboxLeft(); n != 0 {
				t.Errorf("inbox holds %d events, want none", n)
			}
		})
	}
}

// The crash case end to end: the event is found in the inbox at the next
// start although its conversation was committed; it is removed without a
// second reply.
func TestInboxEventReplayedAtRestartGetsNoSecondReply(t *testing.T) {
	dir := t.TempDir()
	first := newHarness(t, harnessOpts{dir: dir})
	first.mustAccept(textPayload("wamid.R1", cursorUser, "where is a shelter", time.Now()))
	first.graph.WaitMessages(t, 1, 10*time.Second)
	first.engine.WaitIdle()
	replies := len(first.graph.Messages())
	seq := first.appliedSeq(cursorUser)
	first.stop()

	// Put the event back while nothing runs, as a crash between the
	// commit and the removal would leave it.
	db, err := store.Open(store.Options{Dir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	(&harness{t: t, db: db}).putBack(seq, "wamid.R1", "where is a shelter")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	second := newHarness(t, harnessOpts{dir: dir, graph: first.graph})
	second.engine.WaitIdle()

	if n := len(first.graph.Messages()); n != replies {
		t.Errorf("replies sent = %d, want still %d", n, replies)
	}
	if n := second.inboundCount(cursorUser); n != 1 {
		t.Errorf("inbound transcript entries = %d, want 1", n)
	}
	if n := second.inboxLeft(); n != 0 {
		t.Errorf("inbox holds %d events, want none", n)
	}
}

// Two workers holding the same new event at once (the situation several
// instances create): the commit compares the session's cursor inside its
// transaction, so exactly one of them applies it.
func TestSameEventOnTwoWorkersIsAppliedOnce(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	h.mustAccept(textPayload("wamid.W0", cursorUser, "hello", time.Now()))
	h.graph.WaitMessages(t, 1, 10*time.Second)
	h.engine.WaitIdle()
	seq := h.appliedSeq(cursorUser) + 1000
	task := h.putBack(seq, "wamid.W1", "where is a shelter")

	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !h.engine.processInbound(cursorUser, inRef{seq: task.seq}) {
				t.Error("the event was not finished")
			}
		}()
	}
	wg.Wait()
	h.engine.WaitIdle()
	if n := h.inboundCount(cursorUser); n != 2 {
		t.Errorf("inbound transcript entries = %d, want 2 (the first message and the event once)", n)
	}
	if got := h.appliedSeq(cursorUser); got != seq {
		t.Errorf("applied sequence = %d, want %d", got, seq)
	}
	if n := h.inboxLeft(); n != 0 {
		t.Errorf("inbox holds %d events, want none", n)
	}
}
