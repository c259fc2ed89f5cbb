package cluster

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"lifeline/coord"
)

// outageKV is the lease bucket while its stream elects a leader: while
// down, no request is answered. loseAnswer makes the next write land and
// its answer be lost.
type outageKV struct {
	jetstream.KeyValue
	down       atomic.Bool
	loseAnswer atomic.Bool
	failed     atomic.Int64 // requests refused while down
	landed     atomic.Int64 // writes that landed
}

func (k *outageKV) Update(ctx context.Context, key string, v []byte, rev uint64) (uint64, error) {
	if k.down.Load() {
		k.failed.Add(1)
		return 0, nats.ErrTimeout
	}
	n, err := k.KeyValue.Update(ctx, key, v, rev)
	if err == nil {
		k.landed.Add(1)
		if k.loseAnswer.CompareAndSwap(true, false) {
			return 0, nats.ErrTimeout
		}
	}
	return n, err
}

func (k *outageKV) Get(ctx context.Context, key string) (jetstream.KeyValueEntry, error) {
	if k.down.Load() {
		k.failed.Add(1)
		return nil, nats.ErrTimeout
	}
	return k.KeyValue.Get(ctx, key)
}

// waitFor polls cond until it holds or 30s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after 30s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func outageLeases(t *testing.T) (*Leases, *outageKV) {
	t.Helper()
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
	kv := &outageKV{KeyValue: ls.kv}
	ls.kv = kv
	return ls, kv
}

// A lease whose TTL outlasts the outage survives it: the renewal is
// tried again until the bucket answers, within the lease.
func TestRenewalRidesOutAnElection(t *testing.T) {
	ls, kv := outageLeases(t)
	ctx := context.Background()
	l, err := ls.Acquire(ctx, "pacer.1", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	kv.down.Store(true)
	type result struct {
		l   coord.Lease
		err error
	}
	done := make(chan result, 1)
	go func() {
		next, err := ls.Renew(ctx, l)
		done <- result{next, err}
	}()
	waitFor(t, "three refused renewals", func() bool { return kv.failed.Load() >= 3 })
	kv.down.Store(false)
	r := <-done
	if r.err != nil {
		t.Fatalf("renewal across the outage: %v", r.err)
	}
	if !r.l.Expires.After(l.Expires) || r.l.Token != l.Token {
		t.Errorf("renewed lease %+v; want the same token and a later expiry than %s", r.l, l.Expires)
	}
	if _, err := ls.Renew(ctx, r.l); err != nil {
		t.Errorf("the next renewal: %v", err)
	}
}

// An outage longer than the lease ends it on the holder's clock.
func TestRenewalLosesALeaseTheOutageOutlasts(t *testing.T) {
	ls, kv := outageLeases(t)
	ctx := context.Background()
	l, err := ls.Acquire(ctx, "pacer.2", "a", 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	kv.down.Store(true)
	_, err = ls.Renew(ctx, l)
	if !errors.Is(err, coord.ErrLost) || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("renewal during an outage past the expiry: %v, want ErrLost saying JetStream did not answer", err)
	}
}

// A renewal whose write landed but whose answer was lost is not taken
// for a takeover: the next try finds its own token and goes on.
func TestRenewalWhoseAnswerWasLost(t *testing.T) {
	ls, kv := outageLeases(t)
	ctx := context.Background()
	l, err := ls.Acquire(ctx, "pacer.3", "a", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	kv.loseAnswer.Store(true)
	next, err := ls.Renew(ctx, l)
	if err != nil {
		t.Fatalf("renewal after a lost answer: %v", err)
	}
	if kv.landed.Load() != 2 {
		t.Errorf("%d writes landed, want 2 (the one whose answer was lost, then the retry)", kv.landed.Load())
	}
	if _, err := ls.Renew(ctx, next); err != nil {
		t.Errorf("the next renewal: %v", err)
	}
}

// A hold renews through an outage shorter than two thirds of its TTL:
// the work under it goes on.
func TestHoldSurvivesAnOutage(t *testing.T) {
	ls, kv := outageLeases(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	held, _, release, err := coord.Hold(ctx, ls, "pacer.4", "a", 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	kv.down.Store(true)
	waitFor(t, "refused renewals", func() bool { return kv.failed.Load() >= 3 })
	before := kv.landed.Load()
	kv.down.Store(false)
	waitFor(t, "a renewal after the outage", func() bool { return kv.landed.Load() > before })
	if err := held.Err(); err != nil {
		t.Fatalf("the hold ended during a short outage: %v", context.Cause(held))
	}
}

func TestMinLeaseTTLOutlastsAnElection(t *testing.T) {
	// Hold renews every third: the last renewal before an election may be
	// a third of the TTL old, and the rest must cover the election.
	if left := MinLeaseTTL - MinLeaseTTL/3; left <= MaxElection {
		t.Fatalf("MinLeaseTTL %s leaves %s after a renewal, not more than an election's %s", MinLeaseTTL, left, MaxElection)
	}
}
