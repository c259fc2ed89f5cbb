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
	raw, err := store.EncodeJSON(cursorMessage(id, text))
	if err != nil {
		h.t.Fatal(err)
	}
	ctx := context.Background()
	if err := h.db.WriteAny(ctx, func(w store.Writer) error { return store.PutInbox(ctx, w, seq, raw) }); err != nil {
		h.t.Fatal(err)
	}
	return inRef{seq: seq}
}

// cursorMessage is an inbound text message of cursorUser as its inbox
// event holds it.
func cursorMessage(id, text string) *InboxItem {
	now := time.Now()
	return &InboxItem{Kind: "message", ReceivedAt: now, Message: &whatsapp.Message{
		ID: id, From: cursorUser, PhoneNumberID: testPhone, Timestamp: now, Type: "text", Text: text}}
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

// checkApplied checks what processing the event at seq left, after
// `before` messages sent, `inbound` inbound entries and inbox event
// `first` applied: a reply more, one inbound entry more and the cursor
// at seq when it was applied (want), else nothing new; the inbox empty
// either way.
func (h *harness) checkApplied(before, inbound int, first, seq uint64, want bool) {
	h.t.Helper()
	if more := len(h.graph.Messages()) - before; (more > 0) != want {
		h.t.Errorf("%d more replies sent, want some: %v", more, want)
	}
	wantSeq := first
	if want {
		inbound, wantSeq = inbound+1, seq
	}
	if n := h.inboundCount(cursorUser); n != inbound {
		h.t.Errorf("inbound transcript entries = %d, want %d", n, inbound)
	}
	if got := h.appliedSeq(cursorUser); got != wantSeq {
		h.t.Errorf("applied sequence = %d, want %d", got, wantSeq)
	}
	if n := h.inboxLeft(); n != 0 {
		h.t.Errorf("inbox holds %d events, want none", n)
	}
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

			h.checkApplied(before, 2, first, seq, c.wantApplied)
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

// An event queued with the copy the sync read (inRef.item: a partition's
// owner reads the user's pending events and queues them with their
// values) is processed from that copy on its first try, and is applied
// once whatever happened to it since: one already applied and gone from
// the inbox gets no second reply (the cursor), and a later try reads the
// store again and finds it gone.
func TestAnEventQueuedWithItsCopyIsAppliedOnce(t *testing.T) {
	cases := []struct {
		name        string
		offset      int64 // the event's sequence number relative to the one applied
		inInbox     bool  // still stored in the inbox
		attempts    int   // failed tries before this one
		wantApplied bool
	}{
		{name: "a new event still in the inbox", offset: 1000, inInbox: true, wantApplied: true},
		{name: "an event applied already and gone", offset: 0},
		{name: "a new event gone from the inbox, a later try", offset: 1000, attempts: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, harnessOpts{})
			h.mustAccept(textPayload("wamid.Q0", cursorUser, "hello", time.Now()))
			h.graph.WaitMessages(t, 1, 10*time.Second)
			h.engine.WaitIdle()
			first := h.appliedSeq(cursorUser)
			before := len(h.graph.Messages())

			seq := uint64(int64(first) + c.offset)
			id := "wamid.Q0"
			if c.offset != 0 {
				id = "wamid.Q1"
			}
			if c.inInbox {
				h.putBack(seq, id, "where is a shelter")
			}
			attempts := c.attempts
			ref := inRef{seq: seq, attempts: &attempts, item: cursorMessage(id, "where is a shelter")}
			if done := h.engine.processInbound(cursorUser, ref); !done {
				t.Fatal("the event was not finished")
			}
			h.engine.WaitIdle()

			h.checkApplied(before, 1, first, seq, c.wantApplied)
		})
	}
}
