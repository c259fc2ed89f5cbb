package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"lifeline/coord"
)

// Three instances on three embedded nodes: a lease held through node A
// passes, once A's node is shut down and the lease's TTL has run out on
// node B's instance, to B with a larger token, and never before; the bus
// still carries messages from B to a subscriber on C.
func TestThreeNodesLeaseTakeoverAndBus(t *testing.T) {
	nodes := startCluster(t, 3, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if _, err := nodes[0].Ensure(ctx, Settings{Partitions: 4}); err != nil {
		t.Fatalf("ensure: %v", err)
	}
	for _, n := range nodes {
		waitReady(t, ctx, n)
	}
	a, b, c := nodes[0], nodes[1], nodes[2]
	la, err := a.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := b.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Long enough that a loaded machine cannot make the takeover look
	// early by accident, short enough for the test.
	const ttl = 2 * time.Second
	held, err := la.Acquire(ctx, "broadcast.17", "instance-a", ttl)
	if err != nil {
		t.Fatalf("a acquires: %v", err)
	}
	if _, err := lb.Acquire(ctx, "broadcast.17", "instance-b", ttl); !errors.Is(err, coord.ErrHeld) {
		t.Fatalf("b while a holds: %v, want ErrHeld", err)
	}

	// A's process stops: its node goes with it, and the lease is not
	// renewed any more.
	a.Close()
	stopped := time.Now()

	// B asks until it gets the lease. While the bucket's group elects a
	// new leader the requests fail; until the TTL has run out on B's
	// clock they are refused.
	var got coord.Lease
	for {
		c, stop := context.WithTimeout(ctx, 3*time.Second)
		got, err = lb.Acquire(c, "broadcast.17", "instance-b", ttl)
		stop()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("b never took the lease over: %v", err)
		}
		tick := time.NewTimer(50 * time.Millisecond) // pace the retries, as a caller would
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	took := time.Since(stopped)
	t.Logf("b took the lease %s after a's node stopped", took.Round(time.Millisecond))
	if !held.Expires.Before(time.Now()) {
		t.Fatalf("b took the lease before a's own expiry (%s from now)", time.Until(held.Expires))
	}
	if got.Token <= held.Token {
		t.Fatalf("b's token %d, want above a's %d", got.Token, held.Token)
	}
	if got.Holder != "instance-b" {
		t.Fatalf("holder %q, want instance-b", got.Holder)
	}

	// The bus needs no quorum: a message published through B reaches a
	// subscriber on C once C's interest has crossed the route.
	sub, err := c.Bus().Subscribe("engine.events", 200)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	pub := b.Bus()
	probe := time.NewTicker(20 * time.Millisecond)
	defer probe.Stop()
	for heard := false; !heard; {
		if err := pub.Publish(ctx, "engine.events", []byte("probe")); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-sub.C:
			heard = string(m.Data) == "probe"
		case <-probe.C:
		case <-ctx.Done():
			t.Fatal("no message from b reached c")
		}
	}
	// Probes still in flight come first; then every message in order.
	for i := range 100 {
		if err := pub.Publish(ctx, "engine.events", []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
	}
	var rest []string
	for len(rest) < 100 {
		select {
		case m := <-sub.C:
			if string(m.Data) != "probe" {
				rest = append(rest, string(m.Data))
			}
		case <-ctx.Done():
			t.Fatalf("got %d of 100 messages", len(rest))
		}
	}
	for i, m := range rest {
		if m != fmt.Sprint(i) {
			t.Fatalf("message %d: %q, want %d", i, m, i)
		}
	}
	if sub.Dropped() != 0 {
		t.Fatalf("dropped %d with room for every message", sub.Dropped())
	}
}
