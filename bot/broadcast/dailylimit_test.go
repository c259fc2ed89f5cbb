package broadcast

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/clocktest"
	"lifeline/bot/contacts"
	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/cluster/jsstore/jstest"
	"lifeline/coord"
	"lifeline/store"
	"lifeline/store/storetest"
)

// limitInstances are two services over one store, each dispatching a
// broadcast of its own (no bus: each runs what it created), on one
// clock that the test moves, under one daily messaging limit.
type limitInstances struct {
	db    *store.DB
	graph *whatsapptest.Server
	clk   *clocktest.Clock
	svcs  []*Service
}

func newLimitInstances(t *testing.T, db *store.DB, limit int, tags map[string]int) *limitInstances {
	t.Helper()
	in := &limitInstances{db: db, graph: whatsapptest.NewServer(t), clk: clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))}
	ctx := context.Background()
	n := 0
	for tag, count := range tags {
		for range count {
			n++
			c := store.Contact{WaID: fmt.Sprintf("96652%07d", n), Language: "en", OptedIn: true, Tags: []string{tag}, CreatedAt: in.clk.Now()}
			if err := db.Write(ctx, store.UserScope(c.WaID), func(tx store.Writer) error { return store.PutContact(ctx, tx, c) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	leases := coord.NewMemoryLeases(nil)
	cfg := testConfig(Config{DailyLimit: limit, Concurrency: 1, ChunkSize: 3})
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: in.graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	for _, holder := range []string{"a", "b"} {
		s := New(cfg, Options{DB: db, Sender: client, Logger: zerolog.Nop(), Now: in.clk.Now, Pacer: pace.New(cfg.RatePerNumber), Leases: leases, Holder: holder})
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		in.svcs = append(in.svcs, s)
	}
	return in
}

func (in *limitInstances) state(t *testing.T, s *Service, id string) string {
	t.Helper()
	st, err := s.Status(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.State
}

// Two instances each dispatch a broadcast to people nobody messaged
// today, under a limit smaller than both together: the units they spend
// together stay within the limit (each instance holding the whole limit
// in memory spent it twice), the broadcast left without room waits, and
// it resumes and completes once the rolling window gives room back. On
// both backends: JetStream is what several machines share.
func TestDailyLimitIsSharedByInstances(t *testing.T) {
	backends := []struct {
		name string
		open func(t *testing.T) *store.DB
	}{
		{"badger", func(t *testing.T) *store.DB { return storetest.OpenMemory(t) }},
		{"jetstream", openJetStreamDB},
	}
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) { dailyLimitSharedByInstances(t, be.open(t)) })
	}
}

func dailyLimitSharedByInstances(t *testing.T, db *store.DB) {
	const limit = 7
	in := newLimitInstances(t, db, limit, map[string]int{"north": 5, "south": 5})
	ids := make([]string, 2)
	for i, tag := range []string{"north", "south"} {
		sp := noticeSpec()
		sp.Audience = contacts.Audience{TagsAny: []string{tag}}
		b, err := in.svcs[i].Create(sp, "test", "")
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = b.ID
	}
	waiting := func() int {
		n := 0
		for i, id := range ids {
			if in.state(t, in.svcs[i], id) == StateWaitingLimit {
				n++
			}
		}
		return n
	}
	// The instance that finishes first gives back what it did not spend,
	// and the other takes it: together they reach the limit, no further.
	eventually(t, 20*time.Second, "the limit spent and a broadcast waiting for it", func() bool {
		return len(in.graph.Messages()) >= limit && waiting() > 0
	})
	for i, id := range ids {
		eventually(t, 20*time.Second, "instance "+in.svcs[i].holder+" not dispatching", func() bool { return !in.svcs[i].Running(id) })
	}
	if got := len(in.graph.Messages()); got != limit {
		t.Fatalf("%d people new today were sent a broadcast, limit %d", got, limit)
	}
	people := map[string]bool{}
	for _, m := range in.graph.Messages() {
		if people[m.To] {
			t.Fatalf("%s was sent twice", m.To)
		}
		people[m.To] = true
	}

	// A day later the window has room again: the waiting broadcast
	// resumes by itself and both end with everybody reached once.
	in.clk.Add(24*time.Hour + time.Minute)
	for i, id := range ids {
		eventually(t, 20*time.Second, "broadcast "+id+" to end", func() bool {
			st := in.state(t, in.svcs[i], id)
			return st == StateSent || st == StateCompleted
		})
	}
	if got := len(in.graph.Messages()); got != 10 {
		t.Fatalf("%d messages after the resume, want the 10 recipients", got)
	}
}

// One instance on badger, as before the limit was shared: a store whose
// broadcasts were sent with no limit has send records and no record of
// the limit; the first start with a limit counts those people (once each)
// against it, people messaged today cost no unit, the broadcast waits
// with an alert when the limit is spent, stays waiting across a restart,
// and resumes by itself a day later.
func TestDailyLimitOnOneInstanceCountsFromTheSendRecords(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, hopts{dir: t.TempDir(), now: clk.Now})
	for i := range 7 {
		tag := "x"
		if i >= 3 {
			tag = "y"
		}
		h.contact(store.Contact{WaID: fmt.Sprintf("96653%07d", i+1), Language: "en", OptedIn: true, Tags: []string{tag}})
	}
	spec := func(tags ...string) Spec {
		sp := noticeSpec()
		sp.Audience = contacts.Audience{TagsAny: tags}
		return sp
	}
	first := h.create(spec("x"))
	h.waitState(first, StateSent, StateCompleted)
	if got := len(h.graph.Messages()); got != 3 {
		t.Fatalf("%d messages with no limit, want 3", got)
	}

	clk.Add(time.Minute)
	h.close()
	h.cfg.DailyLimit = 5
	h.open(false)
	second := h.create(spec("x", "y"))
	st := h.waitState(second, StateWaitingLimit)
	// x's three were messaged today (no unit); two of y's four fit in
	// what x left of the limit.
	if got := len(h.graph.Messages()); got != 3+5 {
		t.Fatalf("%d messages, want 3 then 5 (3 known today, 2 new)", got)
	}
	if len(st.Alerts) != 1 || st.PauseReason == "" {
		t.Fatalf("waiting without its alert: %+v", st)
	}

	h.close()
	h.open(false)
	if st := h.status(second); st.State != StateWaitingLimit || len(h.graph.Messages()) != 8 {
		t.Fatalf("after a restart: %s with %d messages, want still waiting at 8", st.State, len(h.graph.Messages()))
	}

	clk.Add(24 * time.Hour)
	h.waitState(second, StateSent, StateCompleted)
	if got := len(h.graph.Messages()); got != 10 {
		t.Fatalf("%d messages after the window moved on, want the last 2 of y sent: 10", got)
	}
}

// An instance that died holding a block of the limit (kill -9: nothing
// given back) keeps it from the others only until its hold lapses: the
// broadcast waiting for room resumes then, and what the dead instance
// wrote as spent stays spent.
func TestDailyLimitBlockOfADeadInstanceComesBack(t *testing.T) {
	clk := clocktest.New(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	h := newHarness(t, hopts{now: clk.Now, cfg: Config{DailyLimit: 7}})
	dead := newDailyLimit(7, "dead", h.db)
	if ok, err := dead.take(clk.Now()); !ok || err != nil {
		t.Fatalf("the other instance's take: %v, %v", ok, err)
	}
	if err := dead.flush(clk.Now()); err != nil {
		t.Fatal(err)
	}
	h.contacts(5, "en")
	id := h.create(noticeSpec())
	h.waitState(id, StateWaitingLimit)
	if got := len(h.graph.Messages()); got != 0 {
		t.Fatalf("%d sent while another instance holds the whole limit", got)
	}
	clk.Add(dailyHoldTTL)
	h.waitState(id, StateSent, StateCompleted)
	if got := len(h.graph.Messages()); got != 5 {
		t.Fatalf("%d sent once the hold lapsed, want all 5 (7 less the 1 spent leaves 6)", got)
	}
}

// BenchmarkDailyLimitTake is the daily limit's cost per person new today
// on the send path: a take from the block, a settle every dailyBlock
// takes and a flush every chunk of 64, as feed does.
func BenchmarkDailyLimitTake(b *testing.B) {
	for _, be := range []struct {
		name string
		open func(tb testing.TB) *store.DB
	}{
		{"badger", func(tb testing.TB) *store.DB {
			db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			return db
		}},
		{"jetstream", jstest.OpenDB},
	} {
		b.Run(be.name, func(b *testing.B) {
			now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			d := newDailyLimit(1<<30, "bench", be.open(b))
			if err := d.open(now); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				if ok, err := d.take(now); !ok || err != nil {
					b.Fatalf("take %d: %v, %v", i, ok, err)
				}
				if i%64 == 63 {
					if err := d.flush(now); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
