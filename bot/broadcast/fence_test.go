package broadcast

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot"
	"lifeline/bot/clocktest"
	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/coord"
	"lifeline/store"
)

func (h *harness) progress(id string) Progress {
	h.t.Helper()
	ctx := context.Background()
	var p Progress
	err := h.db.Read(ctx, func(tx store.Reader) (err error) {
		p, _, err = store.GetBroadcastProgress[Progress](ctx, tx, id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

// A run that lost its lease while a send was in flight cannot commit that
// send's result after the next holder has written: the stored progress
// carries the newer fencing token, the old run's transaction is refused
// whole, and nothing the new holder counted is overwritten or counted again.
func TestLateResultsOfAnOldLeaseHolderAreRefused(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	leases := coord.NewMemoryLeases(clk.Now)
	// The TTL is on the fake clock; the holder's renewals (every TTL/3 of
	// real time) do not come during the test, so run A does not learn
	// that it lost the lease, as a paused or partitioned instance would not.
	cfg := Config{LeaseTTL: time.Minute, Concurrency: 1, InFlightGrace: -1}
	graph := whatsapptest.NewServer(t)
	paused := &pausedSender{
		next:    whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second}),
		blocked: make(chan struct{}),
		resume:  make(chan struct{}),
	}
	t.Cleanup(paused.letAnswer) // also when the test fails first, so the service can close
	h := newHarness(t, hopts{cfg: cfg, leases: leases, graph: graph, sender: paused})

	const n = 5
	h.contacts(n, "en")
	id := h.create(noticeSpec())
	<-paused.blocked

	// Run A's lease expires and run B, on another instance, takes it over
	// with a higher token, sends the round and commits it.
	clk.Add(2 * time.Minute)
	b := New(h.cfg, Options{DB: h.db, Sender: h.client, Logger: zerolog.Nop(), Pacer: pace.New(h.cfg.RatePerNumber), Leases: leases, Holder: "b"})
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	eventually(t, 20*time.Second, "instance b to finish the round", func() bool {
		st, err := b.Status(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.State == StateSent || st.State == StateCompleted
	})
	eventually(t, 20*time.Second, "instance b's run to end", func() bool { return !b.Running(id) })
	afterB := h.progress(id)
	recsB := make([]Recipient, n)
	for i := range recsB {
		recsB[i], _ = h.recipient(id, uint64(i+1))
	}
	if afterB.Token < 2 || afterB.Sent != n {
		t.Fatalf("after instance b: token %d sent %d, want token above run a's and sent %d", afterB.Token, afterB.Sent, n)
	}

	// Run A's send now answers; its result reaches its commit late.
	paused.letAnswer()
	// Refused, run A stops; let through, its write replaces instance b's
	// with its older token. A newer token is no late result: completing the
	// broadcast takes the lease again, under the next token. Run A stops at
	// the latest when its first renewal (a third of the TTL, in real time)
	// finds the lease gone, so the wait allows for that.
	eventually(t, 60*time.Second, "run a to stop or overwrite the progress", func() bool {
		return !h.svc.Running(id) || h.progress(id).Token < afterB.Token
	})

	if got := h.progress(id); got.Token < afterB.Token || got.Sent != afterB.Sent || got.Failed != afterB.Failed || got.Dups != afterB.Dups {
		t.Errorf("progress after run a's late results: %+v, want instance b's %+v", got, afterB)
	}
	for i, want := range recsB {
		if got, _ := h.recipient(id, uint64(i+1)); got.WAMID != want.WAMID || got.State != want.State {
			t.Errorf("recipient %d after run a's late results: %s %q, want instance b's %s %q", i+1, got.State, got.WAMID, want.State, want.WAMID)
		}
	}
	if st := h.status(id); st.Sent != n {
		t.Errorf("status counts %d sent, want %d: a result counted twice or lost", st.Sent, n)
	}
}

// pausedSender is run A's instance stalling: its first send waits, deaf
// to cancellation as a paused process is, until the test lets it go on;
// then it is sent and its result comes back late.
type pausedSender struct {
	next    bot.Sender
	once    sync.Once
	blocked chan struct{}
	resume  chan struct{}
	resumed sync.Once
}

func (p *pausedSender) Send(ctx context.Context, num string, o whatsapp.Outbound) (whatsapp.SendResult, error) {
	first := false
	p.once.Do(func() { first = true })
	if first {
		close(p.blocked)
		<-p.resume
		ctx = context.WithoutCancel(ctx)
	}
	return p.next.Send(ctx, num, o)
}

func (p *pausedSender) MarkRead(ctx context.Context, num, id string, typing bool) error {
	return p.next.MarkRead(ctx, num, id, typing)
}

func (p *pausedSender) letAnswer() { p.resumed.Do(func() { close(p.resume) }) }

// Every state change a run makes carries its fencing token and is
// refused, whole, once a later holder of the broadcast's lease has claimed
// it: a run that lost its lease changes nothing, neither the broadcast's
// state nor its alerts nor the integrations' events. The same change under
// the current holder's token goes through, so each refusal is the fence's.
func TestStateChangesOfAnOldLeaseHolderAreRefused(t *testing.T) {
	const old, current = 7, 8
	cases := []struct {
		name   string
		state  string // the broadcast's state when the change is tried (StateSending if empty)
		change func(s *Service, r *run) error
		want   func(b *Broadcast) bool // the change, as the current holder makes it
	}{
		{"round sent", "", func(s *Service, r *run) error { return s.roundSent(r) },
			func(b *Broadcast) bool { return b.State == StateSent && !b.SentAt.IsZero() }},
		{"daily limit reached", "", func(s *Service, r *run) error { return s.limitReached(r) },
			func(b *Broadcast) bool { return b.State == StateWaitingLimit && len(b.Alerts) == 1 }},
		{"alert from the results", "", func(s *Service, r *run) error { return s.runAlert(r, 131031, "account locked") },
			func(b *Broadcast) bool { return b.State == StatePaused && len(b.Alerts) == 1 }},
		{"nobody to send to", "", func(s *Service, r *run) error { return s.nobodyToSend(r) },
			func(b *Broadcast) bool { return b.State == StateCancelled && len(b.Alerts) == 1 }},
		{"enqueue cursor", "", func(s *Service, r *run) error {
			b, err := s.Get(r.id)
			if err != nil {
				return err
			}
			_, err = s.enqueue(r, b)
			return err
		}, func(b *Broadcast) bool { return b.Enqueued && b.Targeted == 1 }},
		// The control loop's steps after a round was sent: the old holder
		// read the broadcast before the current one took the lease over
		// (and, say, sent that reminder round already).
		{"reminder round started", StateSent, func(s *Service, r *run) error { return s.startReminders(r, 1) },
			func(b *Broadcast) bool { return b.State == StateSending && b.Round == 1 }},
		{"completed", StateSent, func(s *Service, r *run) error { return s.completeRun(r, true) },
			func(b *Broadcast) bool { return b.State == StateCompleted && b.Flagged && !b.CompletedAt.IsZero() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// Not started: no run of its own, the test plays the runs.
			s := New(testConfig(Config{WebhookURLs: []string{"http://127.0.0.1:1/hook"}}), Options{DB: db, Sender: &countingSender{}, Logger: zerolog.Nop()})
			if err := db.WriteAny(ctx, func(tx store.Writer) error {
				return store.PutContact(ctx, tx, store.Contact{WaID: "966500000001", Language: "en", OptedIn: true, CreatedAt: time.Now()})
			}); err != nil {
				t.Fatal(err)
			}
			sp := noticeSpec()
			sp.StartAt = time.Now().Add(time.Hour)
			created, err := s.Create(sp, "test", "")
			if err != nil {
				t.Fatal(err)
			}
			id := created.ID
			// The broadcast is sending, and the later holder (token 8) has
			// claimed its progress, as a run does before anything else.
			if err := db.WriteAny(ctx, func(tx store.Writer) error {
				b, err := store.GetBroadcast[Broadcast](ctx, tx, id)
				if err != nil {
					return err
				}
				b.State = StateSending
				if c.state != "" {
					b.State = c.state
				}
				if err := store.PutBroadcast(ctx, tx, id, &b); err != nil {
					return err
				}
				return store.PutBroadcastProgress(ctx, tx, id, &Progress{Token: current})
			}); err != nil {
				t.Fatal(err)
			}
			raw := func() (string, int) {
				var doc []byte
				events := 0
				err := db.Read(ctx, func(tx store.Reader) error {
					// Recipient records count as events here: a refused
					// enqueue must not have written one.
					if err := store.EachBroadcastRecipient(ctx, tx, id, 0, func(uint64, *Recipient) error { events++; return nil }); err != nil {
						return err
					}
					b, err := store.GetBroadcast[Broadcast](ctx, tx, id)
					if err != nil {
						return err
					}
					if doc, err = json.Marshal(b); err != nil {
						return err
					}
					return store.EachBroadcastEvent(ctx, tx, func(uint64, Event) error { events++; return nil })
				})
				if err != nil {
					t.Fatal(err)
				}
				return string(doc), events
			}
			before, eventsBefore := raw()
			newRun := func(token uint64) *run {
				rctx, cancel := context.WithCancel(ctx)
				t.Cleanup(cancel)
				return &run{id: id, ctx: rctx, cancel: cancel, lease: coord.Lease{Name: leaseName(id), Holder: "a", Token: token}}
			}

			r := newRun(old)
			err = c.change(s, r)
			if !errors.Is(err, store.ErrFenced) {
				t.Fatalf("old holder's change: err %v, want refused (store.ErrFenced)", err)
			}
			if after, events := raw(); after != before || events != eventsBefore {
				t.Errorf("old holder's refused change wrote: broadcast\n%s\nwant\n%s\nevents and recipients %d, want %d", after, before, events, eventsBefore)
			}
			if r.ctx.Err() == nil {
				t.Error("old holder's run goes on after the refusal, want it stopped")
			}

			if err := c.change(s, newRun(current)); err != nil {
				t.Fatalf("current holder's change: %v", err)
			}
			b, err := s.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			if !c.want(b) {
				t.Errorf("current holder's change not made: state %s, alerts %d, targeted %d", b.State, len(b.Alerts), b.Targeted)
			}
		})
	}
}
