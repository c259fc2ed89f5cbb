package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"lifeline/coord"
	"lifeline/coord/coordtest"
)

// connect opens one more client connection to node, as another instance
// of Lifeline would.
func connect(t *testing.T, node *Node) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(node.ClientURL(), nats.Timeout(10*time.Second))
	if err != nil {
		t.Fatalf("connect to %s: %v", node.ClientURL(), err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func jsOf(t *testing.T, nc *nats.Conn) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// The JetStream leases pass the conformance suite: each case gets its own
// bucket, configured as Ensure configures the lease bucket, and each
// instance its own connection.
func TestLeasesConformance(t *testing.T) {
	node := startSingle(t)
	var buckets atomic.Int64
	coordtest.Leases(t, func(t *testing.T) coordtest.LeaseBackend {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cfg := Buckets(Settings{})[0]
		if cfg.Bucket != BucketLeases {
			t.Fatalf("first bucket is %s, want %s", cfg.Bucket, BucketLeases)
		}
		cfg.Bucket = fmt.Sprintf("leases_%d", buckets.Add(1))
		if _, err := node.JetStream().CreateKeyValue(ctx, cfg); err != nil {
			t.Fatal(err)
		}
		clock := coordtest.NewClock()
		instances := map[int]*Leases{}
		return coordtest.LeaseBackend{
			Instance: func(i int) coord.Leases {
				if ls := instances[i]; ls != nil {
					return ls
				}
				c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				ls, err := NewLeases(c, jsOf(t, connect(t, node)), LeaseOptions{Bucket: cfg.Bucket, Now: clock.Now})
				if err != nil {
					t.Fatal(err)
				}
				instances[i] = ls
				return ls
			},
			Advance: clock.Advance,
		}
	})
}

func TestBusConformance(t *testing.T) {
	node := startSingle(t)
	var n atomic.Int64
	coordtest.Bus(t, func(t *testing.T) coordtest.ClosableBus {
		// A prefix of its own per case: nothing left of an earlier case
		// reaches it.
		b, err := NewBus(connect(t, node), fmt.Sprintf("test%d.", n.Add(1)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

func TestBusRefusesTopicsThatAreNotOneSubject(t *testing.T) {
	node := startSingle(t)
	b := node.Bus()
	for _, topic := range []string{"", "engine.*", "engine.>", "engine..events", ".engine", "engine events", "engine.events."} {
		if err := b.Publish(context.Background(), topic, nil); !errors.Is(err, coord.ErrInvalid) {
			t.Errorf("publish to %q: %v, want ErrInvalid", topic, err)
		}
		if _, err := b.Subscribe(topic, 1); !errors.Is(err, coord.ErrInvalid) {
			t.Errorf("subscribe to %q: %v, want ErrInvalid", topic, err)
		}
	}
	for _, prefix := range []string{"lifeline", "a..", "*.", "a b."} {
		if _, err := NewBus(node.Conn(), prefix); !errors.Is(err, coord.ErrInvalid) {
			t.Errorf("prefix %q: %v, want ErrInvalid", prefix, err)
		}
	}
}

func TestLeaseRecordKeepsTheTokenAfterRelease(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		t.Fatal(err)
	}
	ls, err := node.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ls.Acquire(ctx, "pacer.106540352242922", "host-a-41", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	st, err := node.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Leases) != 1 || st.Leases[0].Holder != "host-a-41" {
		t.Fatalf("status while held: %+v, want host-a-41", st.Leases)
	}
	if err := ls.Release(ctx, l); err != nil {
		t.Fatal(err)
	}
	st, err = node.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Leases) != 1 || st.Leases[0].Holder != "released" {
		t.Fatalf("status after release: %+v, want the key shown released", st.Leases)
	}
	// A new Leases (a restarted process) still hands out a larger token.
	again, err := node.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := again.Acquire(ctx, "pacer.106540352242922", "host-b-7", time.Minute)
	if err != nil {
		t.Fatalf("acquire a released lease: %v", err)
	}
	if l2.Token <= l.Token {
		t.Fatalf("token after release %d, want above %d", l2.Token, l.Token)
	}
}

// A holder whose clock says its lease still runs (a paused process, a slow
// clock) cannot renew or release once another instance took the lease:
// the compare-and-set at its revision refuses it, whatever its clock says.
func TestLeaseTakenOverIsRefusedByRevisionNotClock(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		t.Fatal(err)
	}
	slow, fast := coordtest.NewClock(), coordtest.NewClock()
	la, err := NewLeases(ctx, jsOf(t, connect(t, node)), LeaseOptions{Now: slow.Now})
	if err != nil {
		t.Fatal(err)
	}
	lb, err := NewLeases(ctx, jsOf(t, connect(t, node)), LeaseOptions{Now: fast.Now})
	if err != nil {
		t.Fatal(err)
	}
	a, err := la.Acquire(ctx, "broadcast.9", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lb.Acquire(ctx, "broadcast.9", "b", time.Minute); !errors.Is(err, coord.ErrHeld) {
		t.Fatalf("b first: %v, want ErrHeld", err)
	}
	fast.Advance(time.Minute)
	b, err := lb.Acquire(ctx, "broadcast.9", "b", time.Minute)
	if err != nil || b.Token <= a.Token {
		t.Fatalf("b after a minute on its clock: %+v, %v; want a larger token than %d", b, err, a.Token)
	}
	if _, err := la.Renew(ctx, a); !errors.Is(err, coord.ErrLost) {
		t.Fatalf("a renews on its slow clock: %v, want ErrLost", err)
	}
	if err := la.Release(ctx, a); !errors.Is(err, coord.ErrNotHolder) {
		t.Fatalf("a releases: %v, want ErrNotHolder", err)
	}
	if _, err := la.Acquire(ctx, "broadcast.9", "a", time.Minute); !errors.Is(err, coord.ErrHeld) {
		t.Fatalf("a acquires again: %v, want ErrHeld", err)
	}
	if _, err := lb.Renew(ctx, b); err != nil {
		t.Fatalf("b renews: %v", err)
	}
}

// With Watch running, an instance sees every revision as it is written:
// it takes an abandoned lease over one TTL after the holder's last write,
// on its first Acquire. Without it, that first Acquire is refused.
func TestLeaseWatchTimesExpiryFromTheWrite(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		t.Fatal(err)
	}
	clock := coordtest.NewClock()
	open := func() *Leases {
		ls, err := NewLeases(ctx, jsOf(t, connect(t, node)), LeaseOptions{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return ls
	}
	holder, watching, blind := open(), open(), open()
	watchCtx, stopWatch := context.WithCancel(ctx)
	watchDone := make(chan error, 1)
	go func() { watchDone <- watching.Watch(watchCtx) }()
	defer func() {
		stopWatch()
		if err := <-watchDone; err != nil {
			t.Errorf("watch: %v", err)
		}
	}()

	a, err := holder.Acquire(ctx, "pacer.1", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	a, err = holder.Renew(ctx, a) // the last write before the holder dies
	if err != nil {
		t.Fatal(err)
	}
	kv, err := node.JetStream().KeyValue(ctx, BucketLeases)
	if err != nil {
		t.Fatal(err)
	}
	last, err := kv.Get(ctx, "pacer.1")
	if err != nil {
		t.Fatal(err)
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for watching.sawRevision("pacer.1") != last.Revision() {
		select {
		case <-ctx.Done():
			t.Fatalf("the watch never saw revision %d", last.Revision())
		case <-tick.C:
		}
	}
	clock.Advance(time.Minute)
	if _, err := blind.Acquire(ctx, "pacer.1", "c", time.Minute); !errors.Is(err, coord.ErrHeld) {
		t.Fatalf("an instance without the watch, first sight: %v, want ErrHeld", err)
	}
	b, err := watching.Acquire(ctx, "pacer.1", "b", time.Minute)
	if err != nil {
		t.Fatalf("the watching instance a TTL after the last write: %v", err)
	}
	if b.Token <= a.Token {
		t.Fatalf("token %d, want above %d", b.Token, a.Token)
	}
}

// The keys the lease watch lists are the bucket's keys: those there when
// it began, those put since, not those deleted; without the watch
// running (or before it delivered the bucket's values) it lists nothing
// and says so, and the members are listed from the bucket instead.
func TestLeaseWatchListsTheBucketsKeys(t *testing.T) {
	node := startSingle(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := node.Ensure(ctx, Settings{}); err != nil {
		t.Fatal(err)
	}
	kv, err := node.JetStream().KeyValue(ctx, BucketLeases)
	if err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		t.Helper()
		if _, err := kv.Put(ctx, key, []byte(`{"holder":"x"}`)); err != nil {
			t.Fatal(err)
		}
	}
	put(memberPrefix + "before")
	ls, err := NewLeases(ctx, jsOf(t, connect(t, node)), LeaseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if keys, ok := ls.watchedKeys(memberPrefix); ok {
		t.Fatalf("without the watch: %v listed, want none and not ok", keys)
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	watchDone := make(chan error, 1)
	go func() { watchDone <- ls.Watch(watchCtx) }()
	waitKeys := func(want ...string) {
		t.Helper()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			keys, ok := ls.watchedKeys(memberPrefix)
			if ok && slices.Equal(keys, want) {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("watched keys %v (ok %v), want %v", keys, ok, want)
			case <-tick.C:
			}
		}
	}
	waitKeys(memberPrefix + "before")
	put(memberPrefix + "joined")
	put("pacer.1") // another prefix
	waitKeys(memberPrefix+"before", memberPrefix+"joined")
	if err := kv.Delete(ctx, memberPrefix+"before"); err != nil {
		t.Fatal(err)
	}
	waitKeys(memberPrefix + "joined")
	stopWatch()
	if err := <-watchDone; err != nil {
		t.Fatalf("watch: %v", err)
	}
	if keys, ok := ls.watchedKeys(memberPrefix); ok {
		t.Fatalf("after the watch ended: %v listed, want not ok", keys)
	}
}
