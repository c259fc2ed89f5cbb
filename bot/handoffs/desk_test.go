package handoffs

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/whatsapp"
	"lifeline/flows"
	"lifeline/store"
)

// fakeEngine records what the desk asks of the engine: the seam is the
// whole of what the console needs, so a desk runs over it alone.
type fakeEngine struct {
	queued    []string // author: text, in order
	delivered int
	events    []string
}

func (f *fakeEngine) engine(margin time.Duration) Engine {
	var seq uint64
	return Engine{
		QueueReply: func(tx store.Writer, user, phone string, o whatsapp.Outbound, author string, windowUntil, now time.Time) ([]*store.OutboxItem, error) {
			seq++
			f.queued = append(f.queued, author+": "+o.Text)
			entry := store.Entry{Seq: seq, Dir: store.Out, Author: author, At: now, Type: o.Kind, Text: o.Text}
			if err := store.PutTranscriptEntry(context.Background(), tx, user, entry); err != nil {
				return nil, err
			}
			return []*store.OutboxItem{{Seq: seq, User: user, PhoneNumberID: phone, TranscriptSeq: seq, WindowUntil: windowUntil}}, nil
		},
		Deliver:    func(*store.OutboxItem) { f.delivered++ },
		Emit:       func(kind, user string, _ time.Time) { f.events = append(f.events, kind+" "+user) },
		WindowEnd:  func(last time.Time) time.Time { return last.Add(24*time.Hour - margin) },
		Transcript: func(store.Reader, string, int) ([]store.Entry, error) { return nil, nil },
	}
}

// memDB is an in-memory store for one test.
func memDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestDeskOverTheEngineSeam(t *testing.T) {
	db := memDB(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := start
	const user = "15550001111"
	f := &fakeEngine{}
	d := New(Config{DefaultPhone: "phone-1"}, db, f.engine(10*time.Minute), zerolog.Nop(), func() time.Time { return now })

	// The person wrote a minute ago and asked for a person.
	ctx := context.Background()
	if err := db.WriteAny(ctx, func(tx store.Writer) error {
		if err := store.PutContact(ctx, tx, store.Contact{WaID: user, LastInboundAt: start.Add(-time.Minute)}); err != nil {
			return err
		}
		h, _, err := Open(tx, user, "Sara", flows.Effect{Kind: flows.EffectHandoff, Reason: "asked"}, start)
		if err != nil {
			return err
		}
		_, items, err := d.QueueNotice(tx, h, "", "en", "I need a person", d.eng.WindowEnd(start.Add(-time.Minute)), start)
		if len(items) != 1 {
			t.Errorf("queue notice queued %d messages, want 1", len(items))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		label   string
		at      time.Duration // after start
		do      func() error
		wantErr error
		queued  string // the message the engine was asked to queue, "" for none
	}{
		{"a reply before the claim is refused", time.Minute, func() error {
			_, err := d.Reply(user, "amira", AgentReply{Text: "hello"})
			return err
		}, &ConflictError{}, ""},
		{"the claim", 2 * time.Minute, func() error { _, err := d.Claim(user, "amira"); return err }, nil, ""},
		{"a reply inside the window", 3 * time.Minute, func() error {
			_, err := d.Reply(user, "amira", AgentReply{Text: "Amira here"})
			return err
		}, nil, "agent:amira: Amira here"},
		{"free text once the window has closed", 24 * time.Hour, func() error {
			_, err := d.Reply(user, "amira", AgentReply{Text: "still there?"})
			return err
		}, ErrWindowClosed, ""},
	}
	for _, s := range steps {
		now = start.Add(s.at)
		before := len(f.queued)
		err := s.do()
		switch want := s.wantErr; {
		case want == nil && err != nil:
			t.Fatalf("%s: %v", s.label, err)
		case want == ErrWindowClosed && !errors.Is(err, ErrWindowClosed):
			t.Fatalf("%s: err %v, want ErrWindowClosed", s.label, err)
		case want != nil && want != ErrWindowClosed:
			var ce *ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("%s: err %v, want a *ConflictError", s.label, err)
			}
		}
		got := ""
		if len(f.queued) > before {
			got = f.queued[len(f.queued)-1]
		}
		if got != s.queued {
			t.Errorf("%s: queued %q, want %q", s.label, got, s.queued)
		}
	}
	if f.delivered != 1 {
		t.Errorf("delivered %d outbox items, want 1: the reply (the queue notice is delivered by its caller, and the claim left nobody waiting to tell)", f.delivered)
	}
	if want := []string{"handoff " + user, "handoff " + user, "message " + user}; !slices.Equal(f.events, want) {
		t.Errorf("events %q, want %q: the claim, the reply (its handoff change, then its message), nothing for a refusal", f.events, want)
	}
	if len(f.queued) != 2 || f.queued[0] != "bot: You are next in the queue. We cannot estimate the wait yet; we will tell you if it changes." {
		t.Errorf("queued %q, want the queue notice then the reply", f.queued)
	}
}

// A queue refresh writes each person's notice in their own transaction.
// One that fails (as a crash between two people's writes would leave it)
// costs that person nothing but time: the next refresh tells them, and
// tells nobody twice.
func TestAQueueRefreshCutShortTellsTheRestNextTime(t *testing.T) {
	db := memDB(t)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := &fakeEngine{}
	eng := f.engine(10 * time.Minute)
	queue := eng.QueueReply
	failFor := "15550002222"
	eng.QueueReply = func(tx store.Writer, user, phone string, o whatsapp.Outbound, author string, windowUntil, now time.Time) ([]*store.OutboxItem, error) {
		if user == failFor {
			return nil, errors.New("crash before this person's write")
		}
		return queue(tx, user, phone, o, author, windowUntil, now)
	}
	d := New(Config{DefaultPhone: "phone-1"}, db, eng, zerolog.Nop(), func() time.Time { return start })
	ctx := context.Background()
	users := []string{"15550001111", failFor}
	for _, user := range users {
		if err := db.WriteAny(ctx, func(tx store.Writer) error {
			if err := store.PutContact(ctx, tx, store.Contact{WaID: user, LastInboundAt: start.Add(-time.Minute)}); err != nil {
				return err
			}
			h, _, err := Open(tx, user, "", flows.Effect{Kind: flows.EffectHandoff, Reason: "asked"}, start)
			if err != nil {
				return err
			}
			// Told a place far back: the queue has moved since.
			h.Notice = &Notice{Position: 10, At: start}
			return store.PutHandoff(ctx, tx, user, &h)
		}); err != nil {
			t.Fatal(err)
		}
	}
	told := func() map[string]int {
		n := map[string]int{}
		for _, e := range f.events {
			n[e]++
		}
		return n
	}

	d.refreshQueue()
	if got := told(); got["reply "+users[0]] != 1 || got["reply "+failFor] != 0 {
		t.Fatalf("first refresh told %v, want only %s", got, users[0])
	}
	failFor = ""
	d.refreshQueue()
	if got := told(); got["reply "+users[0]] != 1 || got["reply "+users[1]] != 1 {
		t.Fatalf("after the second refresh told %v, want each once", got)
	}
}
