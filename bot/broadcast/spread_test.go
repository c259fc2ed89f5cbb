package broadcast

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"lifeline/bot/pace"
	"lifeline/bot/whatsapp"
	"lifeline/bot/whatsapp/whatsapptest"
	"lifeline/coord"
	"lifeline/sms/smstest"
	"lifeline/store"
)

// instances are two services over one store and one lease table, as two
// instances of one cluster are; with bus set they hear each other.
type instances struct {
	db     *store.DB
	graph  *whatsapptest.Server
	leases coord.Leases
	a, b   *Service
}

func newInstances(t *testing.T, n int, bus coord.Bus, with ...func(*Options)) *instances {
	t.Helper()
	db, err := store.Open(store.Options{InMemory: true, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	graph := whatsapptest.NewServer(t)
	graph.SetResponder(func(whatsapptest.Request) whatsapptest.Response {
		return whatsapptest.Response{Delay: 3 * time.Millisecond}
	})
	ctx := context.Background()
	for i := range n {
		c := store.Contact{WaID: fmt.Sprintf("96651%07d", i+1), Language: "en", OptedIn: true, CreatedAt: time.Now()}
		if err := db.WriteAny(ctx, func(tx store.Writer) error { return store.PutContact(ctx, tx, c) }); err != nil {
			t.Fatal(err)
		}
	}
	leases := coord.NewMemoryLeases(nil)
	cfg := testConfig(Config{Concurrency: 1, ChunkSize: 4, LeaseTTL: 300 * time.Millisecond})
	client := whatsapp.NewClient(whatsapp.ClientConfig{BaseURL: graph.URL, AccessToken: "tok", Timeout: 5 * time.Second})
	in := &instances{db: db, graph: graph, leases: leases}
	for _, p := range []**Service{&in.a, &in.b} {
		holder := "a"
		if p == &in.b {
			holder = "b"
		}
		o := Options{DB: db, Sender: client, Logger: zerolog.Nop(), Pacer: pace.New(cfg.RatePerNumber), Leases: leases, Holder: holder, Bus: bus}
		for _, w := range with {
			w(&o)
		}
		s := New(cfg, o)
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		*p = s
	}
	return in
}

func (in *instances) dispatcher(id string) *Service {
	switch {
	case in.a.Dispatching(id) && in.b.Dispatching(id):
		panic("two instances dispatch " + id)
	case in.a.Dispatching(id):
		return in.a
	case in.b.Dispatching(id):
		return in.b
	}
	return nil
}

// A pause through an instance that does not dispatch the broadcast stops
// the run on the one that does before its round ends, with every send
// that went out recorded; a resume through either continues it, and
// everybody is reached once. With the bus the dispatcher hears the pause;
// without it the run stops at its next chunk all the same, because a
// chunk is marked only while the stored broadcast is sending.
func TestPauseThroughAnotherInstanceStopsTheRun(t *testing.T) {
	for _, tc := range []struct {
		name string
		bus  coord.Bus
	}{
		{"announced on the bus", coord.NewMemoryBus()},
		{"no bus: the chunk fence", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 60
			in := newInstances(t, n, tc.bus)
			created, err := in.a.Create(noticeSpec(), "test", "")
			if err != nil {
				t.Fatal(err)
			}
			id := created.ID
			var d *Service
			eventually(t, 20*time.Second, "an instance to dispatch and send a few", func() bool {
				d = in.dispatcher(id)
				return d != nil && len(in.graph.Messages()) >= 8
			})
			other := in.a
			if d == in.a {
				other = in.b
			}
			if tc.bus == nil && d != in.a {
				// b learns of a's broadcast only through the bus: without
				// it, the creator dispatches.
				t.Fatalf("%s dispatches a broadcast it was never told of", d.holder)
			}
			if _, err := other.Pause(id, "admin"); err != nil {
				t.Fatal(err)
			}
			eventually(t, 20*time.Second, "the dispatcher's run to end", func() bool { return in.dispatcher(id) == nil && !d.Running(id) })
			st, err := other.Status(id)
			if err != nil {
				t.Fatal(err)
			}
			sent := len(in.graph.Messages())
			if st.State != StatePaused || st.Sent >= n || int64(sent) != st.Sent {
				t.Fatalf("after the pause through %s: state %s, %d recorded sent, %d sent of %d; want paused before the end, every send recorded",
					other.holder, st.State, st.Sent, sent, n)
			}
			if _, err := other.Resume(id, "admin"); err != nil {
				t.Fatal(err)
			}
			eventually(t, 30*time.Second, "the broadcast sent", func() bool {
				st, err = in.a.Status(id)
				return err == nil && (st.State == StateSent || st.State == StateCompleted)
			})
			got := sendsTo(in.graph.Messages())
			if len(got) != n || st.Sent != n || st.PossibleDuplicates != 0 {
				t.Errorf("%d people reached, %d recorded sent, %d possible duplicates; want %d, %d, 0", len(got), st.Sent, st.PossibleDuplicates, n, n)
			}
			for to, k := range got {
				if k != 1 {
					t.Errorf("%s got the notice %d times", to, k)
				}
			}
		})
	}
}

// A broadcast created through one instance is known to the other at
// once through the bus, and the other continues it when the first
// closes mid-round.
func TestAnotherInstanceContinuesABroadcastItHeardOf(t *testing.T) {
	const n = 40
	in := newInstances(t, n, coord.NewMemoryBus())
	created, err := in.a.Create(noticeSpec(), "test", "")
	if err != nil {
		t.Fatal(err)
	}
	id := created.ID
	eventually(t, 20*time.Second, "b to know a's broadcast", func() bool {
		in.b.mu.Lock()
		defer in.b.mu.Unlock()
		return in.b.docs[id] != nil
	})
	var d *Service
	eventually(t, 20*time.Second, "an instance to dispatch and send a few", func() bool {
		d = in.dispatcher(id)
		return d != nil && len(in.graph.Messages()) >= 4
	})
	survivor := in.a
	if d == in.a {
		survivor = in.b
	}
	d.Close()
	eventually(t, 30*time.Second, "the survivor to finish the broadcast", func() bool {
		st, err := survivor.Status(id)
		return err == nil && (st.State == StateSent || st.State == StateCompleted)
	})
	if got := sendsTo(in.graph.Messages()); len(got) != n {
		t.Errorf("%d of %d people reached", len(got), n)
	}
}

// dispatch makes s the instance that dispatches broadcast id for the rest
// of the test: s holds the broadcast's lease under a run of its own, so
// the other instance's runs find it held, and s's control loop starts
// no run that would end (the broadcast is in no store) and give the
// lease up.
func (in *instances) dispatch(t *testing.T, s *Service, id string) {
	t.Helper()
	ctx, l, release, err := coord.Hold(context.Background(), in.leases, leaseName(id), s.holder, s.cfg.LeaseTTL)
	if err != nil {
		t.Fatal(err)
	}
	r := &run{id: id, ctx: ctx, cancel: release, done: make(chan struct{}), lease: l}
	r.holding.Store(true)
	s.mu.Lock()
	s.runs[id] = r
	s.mu.Unlock()
	t.Cleanup(func() { // before the instances close, which waits for their runs
		s.mu.Lock()
		delete(s.runs, id)
		s.mu.Unlock()
		release()
		close(r.done)
	})
}

// A late 131026 heard by an instance that does not dispatch a broadcast
// still sending reaches the one that does, whose SMS fallback looks at
// the recipients again at once.
func TestALate131026ReachesTheDispatchingInstance(t *testing.T) {
	prov := smstest.New()
	defer prov.Close()
	in := newInstances(t, 0, coord.NewMemoryBus(), func(o *Options) { o.SMS = smsClient(t, prov) })
	b := &Broadcast{ID: "b1", State: StateSending, Spec: criticalWithSMS()}
	// Which instance dispatches is settled before either knows the
	// broadcast: both would compete for its lease at every tick, and
	// the one that hears the 131026 keeps it when it holds the lease.
	in.dispatch(t, in.a, b.ID)
	for _, s := range []*Service{in.a, in.b} {
		s.mu.Lock()
		s.docs[b.ID] = b
		s.mu.Unlock()
	}
	if in.dispatcher(b.ID) != in.a {
		t.Fatal("a does not dispatch the broadcast")
	}
	in.b.StatusCommitted(&whatsapp.Status{ID: "wamid.1", Status: store.StatusFailed, BizOpaqueCallbackData: callbackData(b.ID, 1, 0),
		Errors: []whatsapp.APIError{{Code: store.CodeUndeliverable}}})
	eventually(t, 10*time.Second, "the other instance to hear of it", func() bool {
		in.a.mu.Lock()
		defer in.a.mu.Unlock()
		st := in.a.smsStates[b.ID]
		return st != nil && st.due == 1 && st.open
	})
}
